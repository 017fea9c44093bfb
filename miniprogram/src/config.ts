/**
 * Where the API lives. The H5 build is served by the platform itself (at /m/), so it calls the same
 * origin; the WeChat build needs a full URL: VITE_API_BASE at build time (an https domain listed in the
 * mini-program's request domains in production; http://127.0.0.1:5000 against a development server).
 */
const DEFAULT_API_BASE = process.env.UNI_PLATFORM === 'h5' ? '' : 'http://127.0.0.1:5000'

export const API_BASE: string = (import.meta.env.VITE_API_BASE ?? DEFAULT_API_BASE).replace(/\/$/, '')

export const LOGIN_PAGE = '/pages/login/login'
export const HOME_PAGE = '/pages/index/index'
