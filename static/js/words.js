// Counted words as the server's `plural` filter writes them (community/web/templating.py):
// "1 seat", "1,200 seats".
export function plural(count, one, many) {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}
