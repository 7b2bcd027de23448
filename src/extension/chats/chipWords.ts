// An attachment's name and size as its chip says them, in the user's language: core/loop/focus.ts counts, these
// words say it (the model's first message keeps the engine's English). Each count is worded whole, one or many.

import * as l10n from '@vscode/l10n';
import type { FocusWords } from '../../core/loop/focus';

const fmt = (n: number) => n.toLocaleString();
const lines = (n: number) => (n === 1 ? l10n.t('1 line') : l10n.t('{0} lines', fmt(n)));
const bytes = (n: number) => (n === 1 ? l10n.t('1 byte') : l10n.t('{0} bytes', fmt(n)));
const files = (n: number) => (n === 1 ? l10n.t('1 file') : l10n.t('{0} files', fmt(n)));

export const CHIP_WORDS: FocusWords = {
  problems: () => l10n.t('Problems'),
  changes: () => l10n.t('Uncommitted changes'),
  file: (lineCount, byteCount) => l10n.t('{0}, {1}', lines(lineCount), bytes(byteCount)),
  folder: (fileCount, byteCount) => l10n.t('{0}, {1}', files(fileCount), bytes(byteCount)),
  selection: (lineCount) => lines(lineCount),
  problemList: (problems, errors, fileCount, hidden) => {
    const counted = l10n.t('{0} ({1}) in {2}',
      problems === 1 ? l10n.t('1 problem') : l10n.t('{0} problems', fmt(problems)),
      errors === 1 ? l10n.t('1 error') : l10n.t('{0} errors', fmt(errors)),
      files(fileCount));
    return hidden ? l10n.t('{0}; {1} in files that may not be read left out', counted, fmt(hidden)) : counted;
  },
  changeList: (fileCount, added, removed, hidden) => {
    const counted = l10n.t('{0} (+{1} -{2})', files(fileCount), fmt(added), fmt(removed));
    return hidden ? l10n.t('{0}; {1} that may not be read left out', counted, fmt(hidden)) : counted;
  },
};
