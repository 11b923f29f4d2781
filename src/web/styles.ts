/**
 * The invitation pages' one stylesheet, served from /assets/tessera.css (the content security
 * policy allows no inline style but a branded page's accent colour, `--accent`, by its hash).
 * Colours meet WCAG AA contrast on their backgrounds. Sides are logical (`inline-start`), so that
 * a right-to-left page mirrors.
 */
export const STYLESHEET = `
:root { --accent: #1d4ed8; }
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center; justify-content: flex-start;
  padding: 24px 16px; background: #f4f4f5; color: #18181b;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Noto Sans CJK JP",
    "Noto Sans Arabic", sans-serif;
}
:lang(ja) body, body:lang(ja) { font-family: system-ui, "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", sans-serif; }
:lang(zh-CN) body, body:lang(zh-CN) { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
:lang(ar) body, body:lang(ar) { font-family: system-ui, "Noto Sans Arabic", "Noto Naskh Arabic", Tahoma, sans-serif; line-height: 1.7; }
@media (min-width: 640px) { body { justify-content: center; padding: 48px 24px; } }
main { width: 100%; max-width: 32rem; background: #ffffff; border-radius: 16px; padding: 28px 24px;
  box-shadow: 0 1px 2px rgba(0,0,0,.06), 0 8px 24px rgba(0,0,0,.06); }
@media (min-width: 640px) { main { padding: 40px; } }
.logo { display: block; height: 40px; width: auto; max-width: 200px; margin: 0 0 20px; }
.eyebrow { margin: 0 0 4px; font-size: .8125rem; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: var(--accent); }
:lang(ar) .eyebrow, :lang(ja) .eyebrow, :lang(zh-CN) .eyebrow { letter-spacing: 0; }
h1 { margin: 0 0 12px; font-size: 1.625rem; line-height: 1.25; overflow-wrap: anywhere; }
p { margin: 0 0 16px; }
.lead { font-size: 1.0625rem; overflow-wrap: anywhere; }
.muted { color: #52525b; font-size: .9375rem; }
dl.facts { margin: 0 0 24px; padding: 16px; background: #f8fafc; border: 1px solid #e4e4e7; border-radius: 12px; display: grid; gap: 10px; }
dl.facts div { display: grid; grid-template-columns: 8.5rem 1fr; gap: 8px; }
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
button.primary { color: #ffffff; background: var(--accent); border: 1px solid var(--accent); }
button.primary:hover { filter: brightness(.88); }
button.secondary { color: #18181b; background: #ffffff; border: 1px solid #71717a; }
button.secondary:hover { background: #f4f4f5; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
a { color: var(--accent); }
.message { margin: 0 0 24px; }
.message figcaption { margin: 0 0 6px; color: #52525b; font-size: .9375rem; }
.message blockquote { margin: 0; padding: 12px 16px; background: #f8fafc; border-inline-start: 4px solid var(--accent);
  border-radius: 4px; white-space: pre-line; overflow-wrap: anywhere; }
.support { margin: 8px 0 0; color: #52525b; font-size: .8125rem; }
nav.languages { width: 100%; max-width: 32rem; margin: 16px 0 0; }
nav.languages ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; justify-content: center; gap: 4px 14px; }
nav.languages a { display: inline-block; padding: 6px 2px; color: #3f3f46; font-size: .875rem; }
nav.languages a[aria-current] { color: #18181b; font-weight: 600; text-decoration: none; }
.alert { margin: 0 0 20px; padding: 12px 14px; border-radius: 8px; background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.notice { margin: 0 0 20px; padding: 12px 14px; border-radius: 8px; background: #eff6ff; color: #1e3a8a; border: 1px solid #bfdbfe; }
.done-mark { width: 48px; height: 48px; border-radius: 50%; display: grid; place-items: center; margin: 0 0 16px;
  background: #dcfce7; color: #166534; font-size: 1.5rem; font-weight: 700; }
footer { margin-top: 24px; color: #52525b; font-size: .8125rem; }
`;
