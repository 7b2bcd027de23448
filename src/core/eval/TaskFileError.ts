/** A tasks file that cannot be used as written; the message names the line and what to write instead. */
export class TaskFileError extends Error {
  override name = 'TaskFileError';
}
