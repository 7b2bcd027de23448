// The page's strings in the user's language. Pages word everything through @vscode/l10n's `l10n.t`, as the host's
// modules without `vscode` do: the same English keys, the same {0} placeholders, the English itself when there is no
// translation, and @vscode/l10n-dev finds the calls for l10n/bundle.l10n.json. Here it is given the translations the
// host wrote into the page's HTML (PageStrings). Imported first by each page's main.ts: nothing is worded before.

import * as l10n from '@vscode/l10n';
import type { TemplateResult } from 'lit';
import { PAGE_STRINGS_ID, type PageStrings } from '../../src/protocol/messages';

function pageStrings(): PageStrings | undefined {
  const text = document.getElementById(PAGE_STRINGS_ID)?.textContent;
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    // Only string translations: anything else in the map is left to the English.
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return undefined;
  }
}

const strings = pageStrings();
if (strings) l10n.config({ contents: strings });

/**
 * A translated message whose placeholders stand for markup (a `<code>` path, a coloured count): `l10n.t` takes only
 * text for them, so the message is translated with its {0}, {1}... kept, and the parts are put in their places here.
 */
export function withParts(message: string, ...parts: Array<string | number | TemplateResult>): Array<string | number | TemplateResult> {
  return message.split(/\{(\d+)\}/).map((piece, i) => (i % 2 === 0 ? piece : parts[Number(piece)] ?? `{${piece}}`));
}
