// What the user is told before the validation command runs: the command's exact text and which settings it came
// from. A repository's .vscode/settings.json can set rlm.validateCommand, so "from your settings" would be a lie
// when it came from there; and a command can hide its tail behind line breaks or bidirectional-text characters
// in a modal, so those are shown escaped. No `vscode` here (the modal is VsCodeReviewEditor's).
import type { SettingSource } from '../settings';


/** Characters a modal would not show as they are: controls, zero-width and bidirectional formatting. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** Where the command came from, as the modal says it. */
export function originText(origin: SettingSource): string {
  switch (origin) {
    case 'user': return 'your user settings';
    case 'folder': return "this folder's settings (.vscode/settings.json), which come with the repository: run it only if you recognise it";
    case 'workspace': return "this workspace's settings (.vscode/settings.json or the .code-workspace file), which come with the repository: run it only if you recognise it";
    case 'default': return 'the setting\'s default';
  }
}

/** The command as the modal shows it: as typed, or escaped when it holds characters a modal would hide. */
export function shownCommand(command: string): string {
  if (!HIDDEN.test(command)) return command;
  const escaped = command.replace(new RegExp(HIDDEN.source, 'g'), (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
  return `${escaped}\n(shown escaped: it holds line breaks, control or invisible characters)`;
}

/** The modal's detail: the exact command, where it came from, what happens first, and where it runs. */
export function consentDetail(command: string, origin: SettingSource, folderPath: string, files: number): string {
  const saved = files > 0 ? `RLM first saves the ${files === 1 ? 'file' : `${files} files`} it changed. ` : '';
  return `${shownCommand(command)}\n\nrlm.validateCommand, from ${originText(origin)}. ${saved}It runs in ${folderPath} through the shell, and its result shows in the chat.`;
}
