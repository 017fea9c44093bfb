import { defineConfig } from 'vitest/config'

// Unit tests run on Node without uni-app's build: tests/uni.ts stands in for the platform.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    env: { UNI_PLATFORM: 'h5' }, // the API on the same origin, as the H5 build served at /m/
  },
})
