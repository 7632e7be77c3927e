// The public verify page: hash a file on this device (it is never uploaded; only its SHA-256 is sent),
// look it up in the portal's provenance log, prove its entry and its received entry included in a
// checkpoint signed by the log key, and check consistency with a checkpoint the verifier saved before.
// Browser-only, no framework, nothing from other origins, no inline script or style.
import { toHex } from '../core/bytes.js';
import { fingerprint } from '../core/fingerprint.js';
import { sha256Stream } from '../core/sha256.js';
import { readySodium } from '../core/sodium.js';
import type { Language } from './i18n/catalog.js';
import { type MessageKey, pickLanguage, type Translate, translator } from './i18n/i18n.js';
import { groupHex } from './ui/format.js';
import { renderLanguageSwitch, renderStaticTexts } from './ui/languages.js';
import {
  CheckpointRejectedError,
  type ConsistencyResult,
  createVerifier,
  type FileResult,
  type ReceiptResult,
  type TreeHead,
  type Verifier,
} from './verify/check.js';
import { httpLogApi, LogEmptyApiError } from './verify/client.js';
import { renderDetails } from './verify/view.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const el = {
  languages: $<HTMLFieldSetElement>('languages'),
  languagesLegend: $<HTMLLegendElement>('languages-legend'),
  loading: $<HTMLParagraphElement>('loading'),
  configError: $<HTMLParagraphElement>('config-error'),
  check: $<HTMLElement>('check'),
  drop: $<HTMLDivElement>('drop'),
  file: $<HTMLInputElement>('verify-file'),
  hashing: $<HTMLDivElement>('hashing'),
  hashBar: $<HTMLProgressElement>('hash-bar'),
  status: $<HTMLParagraphElement>('verify-status'),
  result: $<HTMLDivElement>('result'),
  resultText: $<HTMLParagraphElement>('result-text'),
  details: $<HTMLDListElement>('result-details'),
  consistency: $<HTMLElement>('consistency'),
  saved: $<HTMLTextAreaElement>('saved'),
  savedFile: $<HTMLInputElement>('saved-file'),
  savedCheck: $<HTMLButtonElement>('saved-check'),
  savedResult: $<HTMLDivElement>('saved-result'),
  current: $<HTMLElement>('current'),
  currentSize: $<HTMLParagraphElement>('current-size'),
  save: $<HTMLButtonElement>('save'),
  fingerprint: $<HTMLParagraphElement>('fingerprint'),
};

type FileState =
  | { phase: 'idle' }
  | { phase: 'hashing' }
  | { phase: 'checking'; hash: string }
  | { phase: 'done'; hash: string; result: FileResult }
  | { phase: 'receipt'; result: ReceiptResult }
  | { phase: 'error'; hash?: string; key: MessageKey };

type SavedState =
  | { phase: 'idle' }
  | { phase: 'checking' }
  | { phase: 'done'; result: ConsistencyResult }
  | { phase: 'error'; key: MessageKey };

let lang: Language = pickLanguage(navigator.languages ?? [navigator.language]);
let t: Translate = translator(lang);
let verifier: Verifier | undefined;
let logFingerprint = '';
let fileState: FileState = { phase: 'idle' };
let savedState: SavedState = { phase: 'idle' };
let head: TreeHead | undefined;
/** Why the page could not start (shown instead of the checks). */
let startProblem: MessageKey = 'configFailed';
/** Bumped for every file chosen, so a slower earlier check never overwrites a later one. */
let generation = 0;

// ---------- rendering ----------

function renderLanguages(): void {
  renderLanguageSwitch(el.languages, el.languagesLegend, lang, t, (code) => {
    lang = code;
    t = translator(lang);
    render();
  });
}

function renderStatic(): void {
  renderStaticTexts(lang, t, 'verifyTitle');
  el.configError.textContent = t(startProblem);
  el.fingerprint.textContent =
    logFingerprint === '' ? '' : t('verifyFingerprint', { fingerprint: groupHex(logFingerprint) });
}

const VERDICT: Record<FileResult['status'], { key: MessageKey; className: string }> = {
  included: { key: 'verifyIncluded', className: 'verdict' },
  unknown: { key: 'verifyUnknown', className: 'verdict unknown' },
  failed: { key: 'verifyFailed', className: 'verdict bad' },
};

function renderFile(): void {
  const s = fileState;
  el.hashing.hidden = s.phase !== 'hashing';
  el.status.textContent =
    s.phase === 'hashing' ? t('verifyHashing') : s.phase === 'checking' ? t('verifyChecking') : '';
  el.result.hidden = s.phase !== 'done' && s.phase !== 'error' && s.phase !== 'receipt';
  el.result.dataset.status =
    s.phase === 'done'
      ? s.result.status
      : s.phase === 'receipt'
        ? `receipt-${s.result.status}`
        : s.phase === 'error'
          ? 'error'
          : '';
  if (s.phase === 'receipt') {
    const ok = s.result.status === 'ok';
    el.resultText.textContent =
      s.result.status === 'ok'
        ? t('verifyReceiptOk', { time: receiptTime(s.result.receivedAt) })
        : t(s.result.status === 'invalid' ? 'verifyReceiptInvalid' : 'verifyReceiptInconsistent');
    el.resultText.className = ok ? 'verdict' : 'verdict bad';
    el.resultText.setAttribute('role', ok ? 'status' : 'alert');
    el.details.replaceChildren();
  } else if (s.phase === 'done') {
    const verdict = VERDICT[s.result.status];
    el.resultText.textContent = t(verdict.key);
    el.resultText.className = verdict.className;
    el.resultText.setAttribute('role', s.result.status === 'failed' ? 'alert' : 'status');
    const found = s.result.status === 'included' ? s.result.found : undefined;
    renderDetails(el.details, t, lang, s.hash, found, s.result.head.checkpoint.size);
  } else if (s.phase === 'error') {
    el.resultText.textContent = t(s.key);
    el.resultText.className = 'verdict bad';
    el.resultText.setAttribute('role', 'alert');
    if (s.hash === undefined) el.details.replaceChildren();
    else renderDetails(el.details, t, lang, s.hash, undefined, undefined);
  }
}

function renderSaved(): void {
  const s = savedState;
  el.savedCheck.disabled = s.phase === 'checking';
  let text = '';
  let className = 'verdict';
  let status = '';
  if (s.phase === 'checking') text = t('verifyChecking');
  else if (s.phase === 'error') {
    text = t(s.key);
    className = 'verdict bad';
    status = 'error';
  } else if (s.phase === 'done') {
    status = s.result.status;
    if (s.result.status === 'consistent')
      text = t('verifyConsistent', { from: s.result.from, to: s.result.to });
    else if (s.result.status === 'inconsistent') {
      text = t('verifyInconsistent', { from: s.result.from, to: s.result.to });
      className = 'verdict bad';
    } else {
      text = t('verifySavedInvalid');
      className = 'verdict bad';
    }
  }
  el.savedResult.dataset.status = status;
  el.savedResult.replaceChildren();
  if (text !== '') {
    const p = document.createElement('p');
    p.className = s.phase === 'checking' ? '' : className;
    p.setAttribute('role', className.includes('bad') ? 'alert' : 'status');
    p.textContent = text;
    el.savedResult.append(p);
  }
}

function renderHead(): void {
  el.current.hidden = head === undefined;
  if (head === undefined) return;
  el.currentSize.textContent = t('verifyCurrentSize', { size: head.checkpoint.size });
}

function render(): void {
  renderLanguages();
  renderStatic();
  renderFile();
  renderSaved();
  renderHead();
}

/** Keeps the newest verified checkpoint (the one offered for saving). */
function setHead(next: TreeHead): void {
  if (head !== undefined && head.checkpoint.size > next.checkpoint.size) return;
  head = next;
  renderHead();
}

/** Saves the current checkpoint as a text file, through a Blob URL (nothing leaves the browser). */
function saveHead(): void {
  if (head === undefined) return;
  const url = URL.createObjectURL(new Blob([head.note], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `kua-checkpoint-${head.checkpoint.size}.txt`;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function problemKey(error: unknown): MessageKey {
  if (error instanceof CheckpointRejectedError) return 'verifyCheckpointBad';
  if (error instanceof LogEmptyApiError) return 'verifyLogEmpty';
  return 'verifyNetworkError';
}

// ---------- checking a file ----------

function receiptTime(iso: string): string {
  const format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'medium', timeZone: 'UTC' });
  return `${format.format(new Date(iso))} UTC`;
}

/** A witness receipt is small JSON with a checkpoint and entries; anything else is checked as a file. */
async function receiptText(file: File): Promise<string | undefined> {
  if (file.size > 1024 * 1024 || !(file.type === 'application/json' || file.name.endsWith('.json'))) return;
  try {
    const text = await file.text();
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'checkpoint' in value && 'entries' in value)
      return text;
  } catch {
    // Not JSON: a media file that happens to be named .json is hashed like any other.
  }
  return undefined;
}

async function checkReceipt(text: string, mine: number): Promise<void> {
  if (verifier === undefined) return;
  fileState = { phase: 'checking', hash: '' };
  renderFile();
  try {
    const result = await verifier.checkReceipt(text);
    if (mine !== generation) return;
    if (result.status !== 'invalid') setHead(result.head);
    fileState = { phase: 'receipt', result };
  } catch (error) {
    if (mine !== generation) return;
    fileState = { phase: 'error', key: problemKey(error) };
  }
  renderFile();
  document.documentElement.dataset.kua = 'checked';
  el.result.focus();
}

async function checkFile(file: File): Promise<void> {
  if (verifier === undefined) return;
  const mine = ++generation;
  const receipt = await receiptText(file);
  if (mine !== generation) return;
  if (receipt !== undefined) {
    await checkReceipt(receipt, mine);
    return;
  }
  fileState = { phase: 'hashing' };
  el.hashBar.max = Math.max(file.size, 1);
  el.hashBar.value = 0;
  renderFile();
  let hash: string;
  try {
    let last = 0;
    const digest = await sha256Stream(file.stream(), (read) => {
      const now = performance.now();
      if (now - last > 50 || read === file.size) {
        last = now;
        if (mine === generation) el.hashBar.value = read;
      }
    });
    hash = toHex(digest);
  } catch {
    if (mine !== generation) return;
    fileState = { phase: 'error', key: 'verifyReadError' };
    renderFile();
    return;
  }
  if (mine !== generation) return;
  fileState = { phase: 'checking', hash };
  renderFile();
  try {
    const result = await verifier.checkFile(hash);
    if (mine !== generation) return;
    setHead(result.head);
    fileState = { phase: 'done', hash, result };
  } catch (error) {
    if (mine !== generation) return;
    fileState = { phase: 'error', hash, key: problemKey(error) };
  }
  renderFile();
  document.documentElement.dataset.kua = 'checked';
  el.result.focus();
}

function onFileChosen(): void {
  const file = el.file.files?.[0];
  el.file.value = ''; // so that choosing the same file again checks it again
  if (file !== undefined) void checkFile(file);
}

function setUpDrop(): void {
  const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') === true;
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy';
    el.drop.classList.add('over');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) el.drop.classList.remove('over');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault(); // never let the browser open (or navigate to) the dropped file
    el.drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file !== undefined) void checkFile(file);
  });
}

// ---------- consistency with a saved checkpoint ----------

async function checkSaved(): Promise<void> {
  if (verifier === undefined) return;
  const text = el.saved.value.trim();
  if (text === '') {
    savedState = { phase: 'error', key: 'verifySavedEmpty' };
    renderSaved();
    el.saved.focus();
    return;
  }
  savedState = { phase: 'checking' };
  renderSaved();
  try {
    const result = await verifier.checkSaved(text);
    if (result.status !== 'invalid') setHead(result.head);
    savedState = { phase: 'done', result };
  } catch (error) {
    savedState = { phase: 'error', key: problemKey(error) };
  }
  renderSaved();
  document.documentElement.dataset.kua = 'compared';
}

async function onSavedFile(): Promise<void> {
  const file = el.savedFile.files?.[0];
  if (file === undefined) return;
  // A checkpoint is a few hundred bytes; refuse to read anything big into the textarea.
  el.saved.value = file.size <= 65_536 ? await file.text() : '';
  el.savedFile.value = '';
  await checkSaved();
}

// ---------- start ----------

async function start(): Promise<void> {
  el.loading.hidden = false;
  render();
  el.file.addEventListener('change', onFileChosen);
  el.savedCheck.addEventListener('click', () => void checkSaved());
  el.savedFile.addEventListener('change', () => void onSavedFile());
  el.save.addEventListener('click', saveHead);
  setUpDrop();
  try {
    const sodium = await readySodium();
    const api = httpLogApi();
    const key = await api.key();
    // Show the fingerprint of the key this page really checks with (compare it out of band).
    logFingerprint = toHex(fingerprint(sodium, key.logPublicKey));
    if (logFingerprint !== key.logFingerprint) throw new Error('fingerprint');
    verifier = createVerifier(sodium, api, key);
    setHead(await verifier.current());
  } catch (error) {
    el.loading.hidden = true;
    el.configError.hidden = false;
    if (error instanceof CheckpointRejectedError || error instanceof LogEmptyApiError)
      startProblem = problemKey(error);
    renderStatic();
    document.documentElement.dataset.kua = 'error';
    return;
  }
  el.loading.hidden = true;
  el.check.hidden = false;
  el.consistency.hidden = false;
  render();
  document.documentElement.dataset.kua = 'ready';
}

void start();
