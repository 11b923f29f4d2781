import type { Locale } from '../locales.js';
import { ar } from './ar.js';
import { de } from './de.js';
import { type Catalog, en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it } from './it.js';
import { ja } from './ja.js';
import { nl } from './nl.js';
import { ptBR } from './pt-BR.js';
import { zhCN } from './zh-CN.js';

export type { Catalog, MessageKey } from './en.js';

/** Every locale's catalog. */
export const CATALOGS: Readonly<Record<Locale, Catalog>> = {
  en,
  es,
  'pt-BR': ptBR,
  fr,
  de,
  it,
  nl,
  ja,
  'zh-CN': zhCN,
  ar,
};
