import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// Two entry pages: index.html (the mobile mall) and admin.html (the admin console).
// The C++ server serves dist/ and falls back to admin.html for /admin and /admin/*,
// and to index.html for any other path outside /api/; the dev and preview servers
// below do the same.
function adminFallback() {
  const rewrite = (req, res, next) => {
    const path = req.url.split('?')[0]
    if (path === '/admin' || (path.startsWith('/admin/') && !path.includes('.'))) req.url = '/admin.html'
    next()
  }
  return {
    name: 'longnan-admin-fallback',
    configureServer(server) {
      server.middlewares.use(rewrite)
    },
    configurePreviewServer(server) {
      server.middlewares.use(rewrite)
    },
  }
}

// `npm run dev` forwards /api to a running Longnan server (LONGNAN_URL, as in the e2e tests).
const apiTarget = process.env.LONGNAN_URL ?? 'http://127.0.0.1:8080'
// The Digital Link paths of printed codes (/01/{gtin}/10/{lot}…): the scan page asks them for
// JSON, which goes to the server; a browser opening one gets the mall's page, as from the server.
const resolverProxy = {
  target: apiTarget,
  bypass: (req) => ((req.headers.accept ?? '').includes('application/json') ? undefined : req.url),
}
const proxy = { '/api': apiTarget, '^/01/': resolverProxy }

export default defineConfig({
  plugins: [vue(), adminFallback()],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        admin: fileURLToPath(new URL('./admin.html', import.meta.url)),
      },
    },
  },
  server: { proxy },
  preview: { proxy },
  test: { include: ['src/**/*.test.js'] },
})
