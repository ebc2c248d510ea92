// `vue-sse-hub/testing`: a hub for component and store tests that needs no network.
export { createTestingHub } from './createTestingHub'
export type { TestingHub, TestingHubOptions, EmitOptions } from './createTestingHub'
