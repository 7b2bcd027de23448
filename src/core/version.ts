// The version this code was built as. esbuild defines RLM_VERSION from package.json in every bundle;
// run from source (tests, tsx) there is no build, hence "dev".

declare const RLM_VERSION: string | undefined;

export const RLM_CODE_VERSION: string = typeof RLM_VERSION === 'string' ? RLM_VERSION : 'dev';
