// The Chat view: host messages are applied once per animation frame (FrameQueue) and the page is drawn with
// lit templates (chat/views). The draft and the scroll position survive the view being hidden or reloaded
// through VS Code's webview state.

// First: the page's strings are in place before anything is worded.
import '../shared/l10n';
import '../shared/base.css';
import './chat.css';
import '../shared/elements';
import * as l10n from '@vscode/l10n';
import { html, nothing, render } from 'lit';
import type { Action, AttachmentChip, AttachSource, ChatToHost, HostToChat, MessageOf } from '../../src/protocol/messages';
import { connectHost } from '../host';
import { FrameQueue } from '../shared/frameQueue';
import { warmUpMarkdown } from '../shared/markdown';
import { MarkdownCache } from '../shared/MarkdownCache';
import { onPathLinkClick } from '../shared/pathLinks';
import { announcementOf } from './announcement';
import { ChatState } from './ChatState';
import { savedChips } from './DraftAttachments';
import { droppedUris, hashWordBefore } from './attachInput';
import { attachmentsView, completionsView } from './views/attachments';
import { composerView } from './views/composer';
import { exchangeView } from './views/exchange';
import { historyView, toolbarView } from './views/history';
import { statusLineView } from './views/statusLine';
import { restrictedNoteView, setupSummaryView, unpricedNoteView } from './views/setupLine';
import { emptyChatView, welcomeView } from './views/welcome';

interface SavedView {
  draft: string;
  scrollTop: number;
  historyOpen: boolean;
  attachments: AttachmentChip[];
}

const host = connectHost<HostToChat, ChatToHost>();
const app = document.getElementById('app')!;
const state = new ChatState();
const markdown = new MarkdownCache(() => draw());
const saved = readSaved(host.savedState());
let historyOpen = saved.historyOpen;
let draft = saved.draft;
let attachMenuOpen = false;
state.attachments.add(saved.attachments);
let elapsedTimer: number | undefined;
/** The live region's text: how the last question that ended while the view was open ended. */
let announcement = '';
/** Follow new text down while the reader is at the bottom; leave them where they are once they scroll up. */
let stickToBottom = saved.scrollTop < 0;
/** Where the reader was before the view was re-created: restored once the host's chat is drawn. */
let restoreScrollTop = saved.scrollTop >= 0 ? saved.scrollTop : undefined;

const runAction = (action: Action) => host.post({ type: 'command/run', command: action.command, ...(action.args ? { args: action.args } : {}) });
const historyHandlers = {
  newChat: () => host.post({ type: 'chat/new' }),
  toggle: () => {
    historyOpen = !historyOpen;
    save();
    draw();
  },
  open: (chatId: string) => {
    historyOpen = false;
    save();
    host.post({ type: 'chat/open', chatId });
  },
};
const composerHandlers = {
  send: () => {
    const question = questionBox()?.value.trim() ?? '';
    if (!question || !state.canAsk) return;
    const attachments = state.attachments.refs();
    host.post({ type: 'chat/ask', question, ...(attachments.length > 0 ? { attachments } : {}) });
    state.attachments.clear();
    setQuestion('');
    stickToBottom = true;
    draw();
  },
  stop: () => host.post({ type: 'chat/stop' }),
  input: (text: string) => {
    draft = text;
    save();
    // A `#word` just before the caret asks the host for files to attach.
    const box = questionBox();
    const word = hashWordBefore(text, box?.wrappedElement?.selectionStart ?? text.length);
    if (word === undefined) {
      if (state.attachments.completion) {
        state.attachments.completion = undefined;
        draw();
      }
      return;
    }
    if (state.attachments.completion?.query === word) return;
    state.attachments.expect(word);
    host.post({ type: 'attach/complete', query: word });
    draw();
  },
  key: (event: KeyboardEvent) => {
    const completion = state.attachments.completion;
    if (!completion || event.isComposing) return false;
    if (event.key === 'Escape') state.attachments.completion = undefined;
    else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') state.attachments.move(event.key === 'ArrowDown' ? 1 : -1);
    else if ((event.key === 'Enter' || event.key === 'Tab') && completion.paths.length > 0 && !event.shiftKey) attachmentHandlers.complete(completion.paths[completion.active]!);
    else return false;
    draw();
    return true;
  },
};
const attachmentHandlers = {
  toggleMenu: () => {
    attachMenuOpen = !attachMenuOpen;
    draw();
  },
  pick: (source: AttachSource) => {
    attachMenuOpen = false;
    host.post({ type: 'attach/pick', source });
    draw();
  },
  remove: (key: string) => {
    state.attachments.remove(key);
    save();
    draw();
  },
  /** A `#` completion picked: its `#word` leaves the question, the file becomes a chip. */
  complete: (path: string) => {
    const box = questionBox();
    const query = state.attachments.completion?.query ?? '';
    state.attachments.completion = undefined;
    if (box) {
      const caret = box.wrappedElement?.selectionStart ?? box.value.length;
      const start = caret - query.length - 1;
      if (start >= 0 && box.value.slice(start, caret) === `#${query}`) setQuestion(box.value.slice(0, start) + box.value.slice(caret));
      box.focus();
    }
    host.post({ type: 'attach/add', refs: [{ kind: 'path', path }] });
    draw();
  },
};
/** Files whose hunks the reader opened or closed, against the default (open when a change set has a few files). */
const toggled = new Set<string>();
/** Change sets of up to this many files show their hunks at first. */
const OPEN_FILES = 5;
const reviewHandlers = {
  open: (exchangeId: string, path?: string) => host.post({ type: 'review/open', exchangeId, ...(path !== undefined ? { path } : {}) }),
  accept: (exchangeId: string, path?: string, hunk?: string) => host.post({ type: 'review/accept', exchangeId, ...(path !== undefined ? { path } : {}), ...(hunk !== undefined ? { hunk } : {}) }),
  reject: (exchangeId: string, path: string, hunk: string | undefined, rejected: boolean) => host.post({ type: 'review/reject', exchangeId, path, ...(hunk !== undefined ? { hunk } : {}), rejected }),
  resolve: (exchangeId: string, path: string) => host.post({ type: 'review/resolve', exchangeId, path }),
  validate: (exchangeId: string) => host.post({ type: 'review/validate', exchangeId }),
  stopValidation: (exchangeId: string) => host.post({ type: 'review/stopValidation', exchangeId }),
  toggle: (exchangeId: string, path: string) => {
    const key = `${exchangeId}\n${path}`;
    if (!toggled.delete(key)) toggled.add(key);
    draw();
  },
  expanded: (exchangeId: string, path: string, files: number) => (files <= OPEN_FILES) !== toggled.has(`${exchangeId}\n${path}`),
};
const exchangeHandlers = {
  runAction,
  showRun: (exchangeId: string) => host.post({ type: 'chat/showRun', exchangeId }),
  openAnswer: (exchangeId: string) => host.post({ type: 'answer/open', exchangeId }),
  review: reviewHandlers,
};

function draw(): void {
  const chat = state.chat;
  const running = state.running;
  const progress = running ? state.runProgress(running.id) : undefined;
  const exchanges = chat?.exchanges ?? [];
  markdown.retain(exchanges.flatMap((x) => [x.id, `${x.id}#stream`]));
  render(html`
    ${toolbarView(chat?.title || l10n.t('New chat'), historyOpen, state.history.length, historyHandlers)}
    ${historyView(historyOpen, state.history, chat?.id, historyHandlers)}
    <main class="conversation" data-testid="conversation" aria-label=${l10n.t('Conversation')}>
      ${welcomeView(state.setup, runAction)}
      ${state.setup?.ready && exchanges.length === 0 ? emptyChatView() : nothing}
      ${exchanges.map((x) => exchangeView(x, x.status === 'running' ? progress : undefined, state.reviews.get(x.id), markdown, exchangeHandlers))}
    </main>
    ${restrictedNoteView(state.setup, runAction)}
    ${state.setup?.ready ? unpricedNoteView(state.setup) : nothing}
    ${running && state.busy
      ? statusLineView(progress?.figures() ?? emptyFigures, state.setup?.maxCostUsd ?? null, Date.now() - running.startedAt)
      : state.setup?.ready ? setupSummaryView(state.setup) : nothing}
    ${composerView(state.busy, state.canAsk, composerHandlers, html`${attachmentsView(state.attachments.chips, attachMenuOpen, attachmentHandlers)}${completionsView(state.attachments.completion, attachmentHandlers)}`)}
    <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">${announcement}</div>
  `, app);
  // Sizes change after a draw too (the VS Code elements render themselves a moment later, the question box
  // grows): the observer keeps the end in view while the reader is there.
  const c = conversation();
  if (c) {
    sizes.observe(c);
    for (const child of c.children) sizes.observe(child);
  }
  if (stickToBottom) scrollToEnd();
  if (restoreScrollTop !== undefined && chat) {
    const top = restoreScrollTop;
    restoreScrollTop = undefined;
    // After the VS Code elements in it have drawn themselves (a microtask later), so the heights are final.
    requestAnimationFrame(() => {
      const el = conversation();
      if (el) el.scrollTop = top;
    });
  }
  tickWhileRunning(running !== undefined && state.busy);
}

const emptyFigures = {
  turn: 0, cellsDone: 0, cellRunning: false, subCallsDone: 0, subCallsTotal: 0, errors: 0, tokens: 0, costUsd: 0, savedUsd: 0, unpriced: 0,
  maxRequests: null, estimated: false,
};

/** The elapsed time moves on between events. */
function tickWhileRunning(running: boolean): void {
  if (running && elapsedTimer === undefined) elapsedTimer = window.setInterval(draw, 1_000);
  if (!running && elapsedTimer !== undefined) {
    window.clearInterval(elapsedTimer);
    elapsedTimer = undefined;
  }
}

const conversation = () => app.querySelector<HTMLElement>('.conversation');

const sizes = new ResizeObserver(() => {
  if (stickToBottom) scrollToEnd();
});

function scrollToEnd(): void {
  const c = conversation();
  if (c) c.scrollTop = c.scrollHeight;
}
const questionBox = () => app.querySelector<HTMLTextAreaElement & { wrappedElement?: HTMLTextAreaElement }>('[data-testid="question"]');

function setQuestion(text: string): void {
  const box = questionBox();
  if (box) box.value = text;
  draft = text;
  save();
}

function save(): void {
  const c = conversation();
  const atBottom = !c || c.scrollTop + c.clientHeight >= c.scrollHeight - 4;
  host.saveState({ draft, scrollTop: atBottom ? -1 : c.scrollTop, historyOpen, attachments: state.attachments.chips } satisfies SavedView);
}

function readSaved(value: unknown): SavedView {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof SavedView, unknown>>;
  return {
    draft: typeof v.draft === 'string' ? v.draft : '',
    scrollTop: typeof v.scrollTop === 'number' ? v.scrollTop : -1,
    historyOpen: v.historyOpen === true,
    attachments: savedChips(v.attachments),
  };
}

const queue = new FrameQueue<MessageOf<HostToChat>>((message) => {
  state.apply(message);
  // Emptied when a question starts, so an answer worded as the one before is announced too.
  if (message.type === 'run/start') announcement = '';
  if (message.type === 'run/end' && message.chatId === state.chat?.id) announcement = announcementOf(message.exchange);
  // Chips are kept with the draft.
  if (message.type === 'attach/chips') save();
}, draw);
host.onMessage((message) => {
  // Focus is not state: it acts now, on the box already drawn.
  if (message.type === 'composer/focus') questionBox()?.focus();
  else queue.push([message]);
});
onPathLinkClick(app, (ref) => host.post({ type: 'link/open', path: ref.path, line: ref.line, ...(ref.endLine !== undefined ? { endLine: ref.endLine } : {}) }));

// Files and folders dropped from the Explorer (VS Code hands a webview the drop while Shift is held).
const composerEl = () => app.querySelector<HTMLElement>('[data-testid="composer"]');
app.addEventListener('dragover', (event) => {
  if (!event.dataTransfer || !composerEl()?.contains(event.target as Node)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  composerEl()?.classList.add('dropping');
});
app.addEventListener('dragleave', () => composerEl()?.classList.remove('dropping'));
app.addEventListener('drop', (event) => {
  composerEl()?.classList.remove('dropping');
  if (!event.dataTransfer || !composerEl()?.contains(event.target as Node)) return;
  event.preventDefault();
  const uris = droppedUris(event.dataTransfer);
  if (uris.length > 0) host.post({ type: 'attach/drop', uris });
});

draw();
setQuestion(draft);
app.addEventListener('scroll', () => {
  const c = conversation();
  if (!c) return;
  stickToBottom = c.scrollTop + c.clientHeight >= c.scrollHeight - 4;
  save();
}, { capture: true, passive: true });
// Before the host sends the chat: its first answer then renders warm (see warmUpMarkdown).
warmUpMarkdown();
host.post({ type: 'ready' });
