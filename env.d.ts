/** True in development builds; replaced at build time (see vite.config.ts). */
declare const __DEV__: boolean
