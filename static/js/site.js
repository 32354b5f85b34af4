// Progressive enhancement for the server-rendered pages. Every page works without it.
import { enhanceAcceptForms } from "./accept.js";
import { enhanceFlagForms } from "./flags.js";
import { enhanceMenus } from "./menu.js";
import { enhanceNotificationLinks } from "./notifications.js";
import { enhanceMarkdownPreviews } from "./preview.js";
import { enhanceTagInputs } from "./tags.js";
import { enhanceRelativeTimes } from "./time.js";
import { enhanceVoteForms } from "./votes.js";

document.documentElement.classList.add("js");
enhanceRelativeTimes(document);
enhanceMenus(document);
enhanceVoteForms(document);
enhanceAcceptForms(document);
enhanceMarkdownPreviews(document);
enhanceTagInputs(document);
enhanceNotificationLinks(document);
enhanceFlagForms(document);
