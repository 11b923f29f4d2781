/**
 * The invitation pages' one stylesheet, served from /assets/tessera.css (the content security
 * policy allows no inline style). Colours meet WCAG AA contrast on their backgrounds.
 */
export const STYLESHEET = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; min-height: 100vh; display: flex; align-items: flex-start; justify-content: center;
  padding: 24px 16px; background: #f4f4f5; color: #18181b;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
@media (min-width: 640px) { body { align-items: center; padding: 48px 24px; } }
main { width: 100%; max-width: 32rem; background: #ffffff; border-radius: 16px; padding: 28px 24px;
  box-shadow: 0 1px 2px rgba(0,0,0,.06), 0 8px 24px rgba(0,0,0,.06); }
@media (min-width: 640px) { main { padding: 40px; } }
.eyebrow { margin: 0 0 4px; font-size: .8125rem; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: #1d4ed8; }
h1 { margin: 0 0 12px; font-size: 1.625rem; line-height: 1.25; overflow-wrap: anywhere; }
p { margin: 0 0 16px; }
.lead { font-size: 1.0625rem; overflow-wrap: anywhere; }
.muted { color: #52525b; font-size: .9375rem; }
dl.facts { margin: 0 0 24px; padding: 16px; background: #f8fafc; border: 1px solid #e4e4e7; border-radius: 12px; display: grid; gap: 10px; }
dl.facts div { display: grid; grid-template-columns: 7.5rem 1fr; gap: 8px; }
dt { color: #52525b; font-size: .9375rem; }
dd { margin: 0; font-weight: 600; overflow-wrap: break-word; min-width: 0; }
@media (max-width: 400px) { dl.facts div { grid-template-columns: 1fr; gap: 0; } }
form { margin: 0; }
.field { margin: 0 0 16px; }
.field label { display: block; margin: 0 0 6px; font-weight: 600; font-size: .9375rem; }
.field input { width: 100%; min-height: 44px; padding: 10px 12px; font: inherit; color: #18181b; background: #ffffff;
  border: 1px solid #71717a; border-radius: 8px; }
.field input[readonly] { background: #f4f4f5; color: #3f3f46; }
.field input[aria-invalid="true"] { border-color: #b91c1c; }
.hint { margin: 6px 0 0; color: #52525b; font-size: .875rem; }
.field-error { margin: 6px 0 0; color: #b91c1c; font-size: .875rem; font-weight: 600; }
.row { display: grid; gap: 0 12px; }
@media (min-width: 480px) { .row { grid-template-columns: 1fr 1fr; } }
.actions { display: grid; gap: 12px; margin-top: 8px; }
button { width: 100%; min-height: 48px; padding: 12px 16px; font: inherit; font-weight: 600; border-radius: 8px; cursor: pointer; }
button.primary { color: #ffffff; background: #1d4ed8; border: 1px solid #1d4ed8; }
button.primary:hover { background: #1e40af; }
button.secondary { color: #18181b; background: #ffffff; border: 1px solid #71717a; }
button.secondary:hover { background: #f4f4f5; }
:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.alert { margin: 0 0 20px; padding: 12px 14px; border-radius: 8px; background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.notice { margin: 0 0 20px; padding: 12px 14px; border-radius: 8px; background: #eff6ff; color: #1e3a8a; border: 1px solid #bfdbfe; }
.done-mark { width: 48px; height: 48px; border-radius: 50%; display: grid; place-items: center; margin: 0 0 16px;
  background: #dcfce7; color: #166534; font-size: 1.5rem; font-weight: 700; }
footer { margin-top: 24px; color: #52525b; font-size: .8125rem; }
`;
