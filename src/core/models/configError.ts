// A setup mistake the user must fix before anything can run (a missing key, a bad prices file). Distinct
// from ModelError, which reports a provider failing at run time.
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
