/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface ImportMetaEnv {
  /** Where the API lives: empty (same origin) for the H5 build served at /m/; a full https URL for WeChat. */
  readonly VITE_API_BASE?: string
  /** The WeChat build's subscribe-message template ids by template key (JSON), as the server's WECHAT_TEMPLATES. */
  readonly VITE_WECHAT_TEMPLATES?: string
}

/** Set by uni-app's build ("h5", "mp-weixin"); undefined under vitest. */
declare const process: { env: { UNI_PLATFORM?: string; NODE_ENV?: string } }
