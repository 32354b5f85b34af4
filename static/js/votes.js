// Vote forms post to /api/v1/posts/<id>/vote and update the score in place.
import { apiRequest } from "./api.js";
import { showToast } from "./toast.js";

function render(form, score, myVote) {
  form.querySelector("[data-score]").textContent = String(score);
  for (const button of form.querySelectorAll("button[data-vote]")) {
    const direction = Number(button.dataset.vote);
    const pressed = myVote === direction;
    button.setAttribute("aria-pressed", String(pressed));
    button.value = String(pressed ? 0 : direction);  // pressing again removes the vote
  }
}

async function submitVote(form, value) {
  form.setAttribute("aria-busy", "true");
  try {
    const result = await apiRequest("POST", `/api/v1/posts/${form.dataset.postId}/vote`, { value });
    render(form, result.score, result.my_vote);
  } catch (error) {
    showToast(error.message);
  } finally {
    form.removeAttribute("aria-busy");
  }
}

export function enhanceVoteForms(root) {
  for (const form of root.querySelectorAll("form[data-vote-form]")) {
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (!button || button.name !== "value") return;
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      submitVote(form, Number(button.value));
    });
  }
}
