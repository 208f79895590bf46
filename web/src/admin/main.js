// Entry point of the admin console (admin.html): Element Plus, Chinese by default.
import 'element-plus/dist/index.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { onUnauthorized } from '../api/client.js'
import { i18n } from '../i18n/index.js'
import { useSessionStore } from '../session.js'
import AdminApp from './AdminApp.vue'
import { router } from './router.js'

const app = createApp(AdminApp).use(createPinia()).use(i18n).use(router)

onUnauthorized(() => {
  useSessionStore().end()
  router.push({ name: 'login', query: { redirect: router.currentRoute.value.fullPath } })
})

app.mount('#app')
