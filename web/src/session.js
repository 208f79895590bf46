// The signed-in user, shared by every page of an entry point. The session itself is an
// HttpOnly cookie; what the page keeps is the user and the CSRF token that goes with it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, ApiError, setCsrfToken } from './api/client.js'

export const useSessionStore = defineStore('session', () => {
  const user = ref(null)
  let restored = null

  function start({ user: signedIn, csrf_token: csrfToken }) {
    user.value = signedIn
    setCsrfToken(csrfToken)
  }

  function end() {
    user.value = null
    setCsrfToken('')
  }

  // Asks the server once per page load whether the cookie still holds a session.
  function restore() {
    restored ??= api.get('/auth/me').then(start, (error) => {
      end()
      if (!(error instanceof ApiError) || error.status !== 401) restored = null
    })
    return restored
  }

  async function login(phone, password) {
    start(await api.post('/auth/login', { phone, password }))
    restored = Promise.resolve()
  }

  async function logout() {
    try {
      await api.post('/auth/logout')
    } finally {
      end()
    }
  }

  async function changePassword(oldPassword, newPassword) {
    await api.post('/auth/password', { old_password: oldPassword, new_password: newPassword })
  }

  return { user, restore, login, logout, changePassword, end }
})
