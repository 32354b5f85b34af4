// The resource pages, enhanced. While sharing: a debounced duplicate check of the link
// (GET /api/v1/resources/check) that says "Already shared" with a link to rate it instead. On a
// resource's page: rating and removing one's rating through the JSON API with the summary updated
// in place, and other people's ratings arriving live on the `resource:<id>` channel (logged-in
// members; the server refuses anonymous sockets). Both pages work without this script.
import { apiRequest } from "./api.js";
import { Channel, liveConnection } from "./socket.js";
import { showToast } from "./toast.js";

const CHECK_DELAY_MS = 400;
const COUNTS_DELAY_MS = 150;
const viewerId = Number(document.body.dataset.userId);

function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

// --- sharing: "Already shared" --------------------------------------------------------------

function duplicateAlert(existing) {
  const link = element("a", "", existing.title);  // text, never HTML
  link.href = existing.page_url;
  return element("div", "duplicate-alert",
    element("p", "", element("strong", "", "Already shared:"), " ", link),
    element("p", "", "Someone shared this link before. Open it and ", element("strong", "", "rate it instead"),
      ", so its rating reflects everyone's view."));
}

function enableDuplicateCheck(input) {
  const region = document.querySelector("[data-duplicate-region]");
  if (!region) return;
  let timer = null;
  let inFlight = null;
  let checked = region.children.length ? input.value.trim() : "";  // the server already said so

  async function check() {
    const url = input.value.trim();
    if (url === checked) return;
    checked = url;
    inFlight?.abort();
    if (!/^https?:\/\/\S/i.test(url)) {
      region.replaceChildren();
      return;
    }
    inFlight = new AbortController();
    try {
      const result = await apiRequest("GET", `/api/v1/resources/check?url=${encodeURIComponent(url)}`,
        undefined, { signal: inFlight.signal });
      if (input.value.trim() !== url) return;
      region.replaceChildren(...(result.duplicate ? [duplicateAlert(result.existing)] : []));
    } catch (error) {
      if (error.name !== "AbortError") region.replaceChildren();  // not a usable link yet
    }
  }

  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(check, CHECK_DELAY_MS);
  };
  input.addEventListener("input", soon);
  input.addEventListener("change", soon);
}

// --- the resource page: the rating summary ----------------------------------------------------

function averageText(average) {
  return average.toFixed(1).replace(/\.0$/, "");
}

function ratingText(average, count) {
  if (!count || average === null) return "No ratings yet";
  return `${averageText(average)} out of 5 from ${count.toLocaleString("en-US")} ${count === 1 ? "rating" : "ratings"}`;
}

function starStates(average) {
  const halves = Math.round((average || 0) * 2);
  return [1, 2, 3, 4, 5].map((n) => (halves >= 2 * n ? "full" : halves === 2 * n - 1 ? "half" : "empty"));
}

class RatingSummary {
  constructor(box) {
    this.box = box;
    this.timer = null;
  }

  apply({ rating_avg: average, rating_count: count }) {
    this.box.querySelector("[data-rating-average]").textContent = count ? averageText(average) : "–";
    this.box.querySelector("[data-rating-text]").textContent = ratingText(average, count);
    const states = starStates(average);
    this.box.querySelectorAll("[data-stars] svg").forEach((star, i) => {
      star.setAttribute("class", `star star-${states[i]}`);
    });
  }

  applyCounts(counts) {
    const most = Math.max(1, ...Object.values(counts));
    for (const row of this.box.querySelectorAll("[data-star-row]")) {
      const count = counts[row.dataset.starRow] ?? 0;
      row.querySelector("[data-star-count]").textContent = String(count);
      row.querySelector("[data-star-noun]").textContent = count === 1 ? " rating" : " ratings";
      row.querySelector("[data-star-bar]").setAttribute("width", String(Math.round((1000 * count) / most) / 10));
    }
  }

  // The event carries the average and count; the histogram comes from the API (coalesced).
  refresh(resourceId) {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      try {
        const resource = await apiRequest("GET", `/api/v1/resources/${resourceId}`);
        this.apply(resource);
        this.applyCounts(resource.star_counts);
      } catch {
        // the next rating event tries again; the average and count are already right
      }
    }, COUNTS_DELAY_MS);
  }
}

// --- the resource page: rating in place ---------------------------------------------------------

class RatingForms {
  constructor(page, summary) {
    this.resourceId = page.dataset.resourceId;
    this.summary = summary;
    this.form = page.querySelector("form[data-rating-form]");
    this.removeForm = page.querySelector("form[data-remove-rating]");
    this.choice = page.querySelector("[data-star-choice]");
    if (!this.form) return;
    for (const radio of this.form.querySelectorAll("input[name=stars]")) {
      radio.addEventListener("change", () => this.showChoice());
    }
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.form.getAttribute("aria-busy") !== "true") this.rate();
    });
    this.removeForm?.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.removeForm.getAttribute("aria-busy") !== "true") this.remove();
    });
  }

  chosen() {
    return Number(this.form.querySelector("input[name=stars]:checked")?.value) || null;
  }

  showChoice() {
    const stars = this.chosen();
    if (this.choice) this.choice.textContent = stars ? `${stars} of 5` : "";
  }

  setRated(rated) {
    this.form.closest("section").querySelector("[data-rate-heading]").textContent = rated ? "Your rating" : "Rate it";
    this.form.querySelector("[data-rate-submit]").textContent = rated ? "Update my rating" : "Submit rating";
    if (this.removeForm) this.removeForm.hidden = !rated;
  }

  async rate() {
    const review = this.form.querySelector("textarea[name=review]")?.value ?? "";
    this.form.setAttribute("aria-busy", "true");
    try {
      const result = await apiRequest("PUT", `/api/v1/resources/${this.resourceId}/rating`,
        { stars: this.chosen(), review });
      this.summary.apply(result);
      this.summary.refresh(this.resourceId);
      this.setRated(true);
      showToast("Thanks! Your rating is saved.", "success");
    } catch (error) {
      showToast(error.message);
    } finally {
      this.form.removeAttribute("aria-busy");
    }
  }

  async remove() {
    this.removeForm.setAttribute("aria-busy", "true");
    try {
      await apiRequest("DELETE", `/api/v1/resources/${this.resourceId}/rating`);
      this.form.reset();
      for (const radio of this.form.querySelectorAll("input[name=stars]")) radio.checked = false;
      const review = this.form.querySelector("textarea[name=review]");
      if (review) review.value = "";
      this.showChoice();
      this.setRated(false);
      this.summary.refresh(this.resourceId);
      showToast("Your rating is removed.", "success");
      this.form.querySelector("input[name=stars]")?.focus();
    } catch (error) {
      showToast(error.message);
    } finally {
      this.removeForm.removeAttribute("aria-busy");
    }
  }
}

// --- the resource page: live -------------------------------------------------------------------

function resourceHandlers(page, summary) {
  const notice = page.querySelector("[data-resource-notice]");
  const say = (text) => {
    if (!notice) return;
    notice.textContent = text;
    notice.hidden = false;
  };
  return {
    resource_rated({ data }) {
      summary.apply(data);
      summary.refresh(page.dataset.resourceId);
    },
    resource_updated({ data }) {
      const title = page.querySelector("[data-resource-title]");
      if (title) title.textContent = data.title;
      document.title = `${data.title} · Community`;
    },
    resource_deleted() {
      say("This resource was just deleted.");
      for (const form of page.querySelectorAll("form[data-rating-form], form[data-remove-rating]")) form.hidden = true;
    },
  };
}

function enhanceResourcePage(page) {
  const box = page.querySelector("[data-rating-summary]");
  if (!box) return;
  const summary = new RatingSummary(box);
  new RatingForms(page, summary);
  if (!viewerId) return;
  const handlers = resourceHandlers(page, summary);
  liveConnection().add(new Channel(`resource:${page.dataset.resourceId}`, Number(page.dataset.lastEventId) || 0,
    (envelope) => handlers[envelope.type]?.(envelope)));
}

const sharedUrl = document.querySelector("input[data-duplicate-check]");
if (sharedUrl) enableDuplicateCheck(sharedUrl);
const resourcePage = document.querySelector("[data-resource-page]");
if (resourcePage) enhanceResourcePage(resourcePage);
