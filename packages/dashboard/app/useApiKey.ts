import { useState } from 'react'

const STORAGE_KEY = 'unimargin.apiKey'

/** The operators' API key, kept in the browser's localStorage; an empty key removes it. */
export function useApiKey(): [string, (key: string) => void] {
  const [key, setKey] = useState(() => localStorage.getItem(STORAGE_KEY) ?? '')
  return [
    key,
    (next: string) => {
      if (next) localStorage.setItem(STORAGE_KEY, next)
      else localStorage.removeItem(STORAGE_KEY)
      setKey(next)
    },
  ]
}
