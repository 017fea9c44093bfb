import { defineConfig, type Plugin } from 'vite'
import uni from '@dcloudio/vite-plugin-uni'

/**
 * uni-app's H5 styles preload navigation-bar shadows from DCloud's CDN: the page loads nothing from
 * another site (the platform's Content-Security-Policy blocks it, and a resident's visit is nobody
 * else's business), so those images are dropped from the built CSS.
 */
function noRemoteImages(): Plugin {
  return {
    name: 'baoji-no-remote-images',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'asset' && file.fileName.endsWith('.css') && typeof file.source === 'string') {
          file.source = file.source.replace(/url\(\s*["']?https?:\/\/[^)]*\)/g, 'none')
        }
      }
    },
  }
}

// The H5 build is served by the platform at /m/ (src/manifest.json: h5.router.base); the API base comes
// from VITE_API_BASE (src/config.ts).
export default defineConfig({
  plugins: [uni(), noRemoteImages()],
})
