// The witness's upload page: load the intake config, let the witness pick photos and videos (showing
// what identifying metadata each holds), encrypt in a Web Worker, upload resumably, show a code.
// Browser-only, no framework, nothing from other origins, no inline script or style.
import type { ManifestInput } from '../core/envelope/index.js';
import type { Language } from './i18n/catalog.js';
import { type MessageKey, type Params, pickLanguage, type Translate, translator } from './i18n/i18n.js';
import type { Findings } from './metadata/findings.js';
import { readPhotoFindings } from './metadata/photo.js';
import { readVideoFindings } from './metadata/video.js';
import { renderFindings } from './ui/findings-view.js';
import {
  acceptAttribute,
  extensionFor,
  formatBytes,
  formatTimeLeft,
  groupHex,
  mediaTypeOf,
  typeNames,
} from './ui/format.js';
import { renderLanguageSwitch, renderStaticTexts } from './ui/languages.js';
import { ApiError, api, type IntakeConfig, NetworkError } from './upload/api.js';
import { waitForReceipt } from './upload/receipt.js';
import { clearSession, identityOf, loadSession, type SessionItem, saveSession } from './upload/session.js';
import { persist, type UploadDeps, type UploadPhase, upload } from './upload/uploader.js';
import { EncryptError, EncryptWorker } from './upload/worker-client.js';

interface Problem {
  key: MessageKey;
  params?: Params;
}

interface Picked {
  file: File;
  type: string;
  problem?: Problem;
  findings?: Findings;
  keep: boolean;
}

interface Source {
  blob: Blob;
  manifest: ManifestInput;
  identity: string;
  /** Shown next to its progress bar; undefined = counted in the total only. */
  label?: string | { key: MessageKey };
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const el = {
  languages: $<HTMLFieldSetElement>('languages'),
  languagesLegend: $<HTMLLegendElement>('languages-legend'),
  loading: $<HTMLParagraphElement>('loading'),
  configError: $<HTMLParagraphElement>('config-error'),
  form: $<HTMLFormElement>('form'),
  limitSize: $<HTMLLIElement>('limit-size'),
  limitCount: $<HTMLLIElement>('limit-count'),
  limitTypes: $<HTMLLIElement>('limit-types'),
  resume: $<HTMLDivElement>('resume'),
  resumeDiscard: $<HTMLButtonElement>('resume-discard'),
  files: $<HTMLInputElement>('files'),
  chosen: $<HTMLElement>('chosen'),
  filesCount: $<HTMLParagraphElement>('files-count'),
  fileList: $<HTMLUListElement>('file-list'),
  note: $<HTMLTextAreaElement>('note'),
  formError: $<HTMLDivElement>('form-error'),
  submit: $<HTMLButtonElement>('submit'),
  progress: $<HTMLElement>('progress'),
  progressHeading: $<HTMLHeadingElement>('progress-heading'),
  uploadStatus: $<HTMLParagraphElement>('upload-status'),
  overallBar: $<HTMLProgressElement>('overall-bar'),
  overallText: $<HTMLParagraphElement>('overall-text'),
  progressList: $<HTMLUListElement>('progress-list'),
  done: $<HTMLElement>('done'),
  doneHeading: $<HTMLHeadingElement>('done-heading'),
  code: $<HTMLElement>('code'),
  again: $<HTMLButtonElement>('again'),
  receipt: $<HTMLParagraphElement>('receipt'),
  receiptDownload: $<HTMLButtonElement>('receipt-download'),
  receiptPending: $<HTMLParagraphElement>('receipt-pending'),
  receiptUnavailable: $<HTMLParagraphElement>('receipt-unavailable'),
  fingerprint: $<HTMLParagraphElement>('fingerprint'),
};

let lang: Language = pickLanguage(navigator.languages ?? [navigator.language]);
let t: Translate = translator(lang);
let config: IntakeConfig | undefined;
let fingerprintHex: string | undefined;
let picked: Picked[] = [];
let formProblems: Problem[] = [];
let phase: UploadPhase | 'preparing' | 'resumed' = 'preparing';
let busy = false;
let worker: EncryptWorker | undefined;

/** Progress of the running upload: one entry per envelope. */
let rows: Array<{ label?: Source['label']; total: number; done: number }> = [];
const samples: Array<{ at: number; done: number }> = [];

// ---------- language ----------

function setLanguage(next: Language): void {
  lang = next;
  t = translator(lang);
  renderAll();
}

function renderLanguages(): void {
  renderLanguageSwitch(el.languages, el.languagesLegend, lang, t, setLanguage);
}

function renderStatic(): void {
  renderStaticTexts(lang, t, 'title');
}

// ---------- limits, files, errors ----------

function renderLimits(): void {
  if (config === undefined) return;
  const { limits } = config;
  el.limitSize.textContent = t('limitsSize', { size: formatBytes(lang, limits.maxFileBytes) });
  el.limitCount.textContent = t('limitsCount', { count: limits.maxFiles });
  el.limitTypes.textContent = t('limitsTypes', { types: typeNames(lang, limits.acceptedTypes) });
  el.files.accept = acceptAttribute(limits.acceptedTypes);
  el.fingerprint.textContent =
    fingerprintHex === undefined ? '' : t('fingerprint', { fingerprint: groupHex(fingerprintHex) });
}

function text(problem: Problem): string {
  return t(problem.key, problem.params);
}

function renderFiles(): void {
  el.chosen.hidden = picked.length === 0;
  el.filesCount.textContent = picked.length === 0 ? '' : t('filesChosen', { count: picked.length });
  el.fileList.replaceChildren(
    ...picked.map((p, i) => {
      const li = document.createElement('li');
      const name = document.createElement('p');
      name.className = 'file-name';
      name.textContent = p.file.name;
      const size = document.createElement('p');
      size.className = 'hint';
      size.textContent = t('fileSize', { size: formatBytes(lang, p.file.size) });
      li.append(name, size);
      if (p.problem !== undefined) {
        const err = document.createElement('p');
        err.className = 'error';
        err.textContent = text(p.problem);
        li.append(err);
        return li;
      }
      const meta = document.createElement('div');
      meta.className = 'meta';
      renderFindings(t, lang, p.findings, meta);
      const keep = document.createElement('label');
      keep.className = 'keep';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `keep-${i}`;
      box.checked = p.keep;
      box.disabled = busy;
      box.addEventListener('change', () => {
        p.keep = box.checked;
      });
      const span = document.createElement('span');
      span.textContent = t('keepOriginal');
      keep.append(box, span);
      li.append(meta, keep);
      return li;
    }),
  );
}

function renderFormError(): void {
  el.formError.replaceChildren(
    ...formProblems.map((p) => {
      const line = document.createElement('p');
      line.textContent = text(p);
      return line;
    }),
  );
}

// ---------- progress ----------

function totalDone(): number {
  return rows.reduce((s, r) => s + Math.min(r.done, r.total), 0);
}

function secondsLeft(remaining: number): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined || last.at - first.at < 2000) return undefined;
  const rate = (last.done - first.done) / ((last.at - first.at) / 1000);
  return rate > 0 ? remaining / rate : undefined;
}

function renderPhase(): void {
  const key: Record<typeof phase, MessageKey> = {
    preparing: 'statusPreparing',
    resumed: 'resumeContinued',
    uploading: 'statusUploading',
    retrying: 'statusRetrying',
    offline: 'errOffline',
    finishing: 'statusFinishing',
  };
  el.uploadStatus.textContent = t(key[phase]);
  el.progress.dataset.phase = phase;
}

function renderProgress(): void {
  const total = rows.reduce((s, r) => s + r.total, 0);
  const done = totalDone();
  el.overallBar.max = Math.max(1, total);
  el.overallBar.value = done;
  const overall = t('progressBytes', { done: formatBytes(lang, done), total: formatBytes(lang, total) });
  el.overallText.textContent =
    done >= total ? overall : `${overall} · ${formatTimeLeft(t, secondsLeft(total - done))}`;
  el.progress.dataset.done = String(done);
  el.progress.dataset.total = String(total);
  const visible = rows.filter((r) => r.label !== undefined);
  if (el.progressList.childElementCount !== visible.length) {
    el.progressList.replaceChildren(
      ...visible.map((_, i) => {
        const li = document.createElement('li');
        const label = document.createElement('label');
        label.htmlFor = `bar-${i}`;
        const bar = document.createElement('progress');
        bar.id = `bar-${i}`;
        const p = document.createElement('p');
        p.className = 'hint';
        li.append(label, bar, p);
        return li;
      }),
    );
  }
  let before = 0;
  let v = 0;
  for (const r of rows) {
    before += r.total - Math.min(r.done, r.total);
    if (r.label === undefined) continue;
    const li = el.progressList.children[v++] as HTMLLIElement;
    const [label, bar, p] = li.children as unknown as [
      HTMLLabelElement,
      HTMLProgressElement,
      HTMLParagraphElement,
    ];
    label.textContent = typeof r.label === 'string' ? r.label : t(r.label.key);
    bar.max = Math.max(1, r.total);
    bar.value = Math.min(r.done, r.total);
    const bytes = t('progressBytes', {
      done: formatBytes(lang, Math.min(r.done, r.total)),
      total: formatBytes(lang, r.total),
    });
    p.textContent = r.done >= r.total ? bytes : `${bytes} · ${formatTimeLeft(t, secondsLeft(before))}`;
  }
}

function onProgress(index: number, done: number): void {
  const row = rows[index];
  if (row === undefined) return;
  row.done = done;
  const now = performance.now();
  samples.push({ at: now, done: totalDone() });
  while (samples.length > 2 && now - (samples[0] as { at: number }).at > 20_000) samples.shift();
  renderProgress();
}

function onPhase(next: UploadPhase): void {
  if (next === phase) return;
  if (next === 'uploading' && phase === 'resumed') return; // keep "continues where it stopped" visible
  phase = next;
  renderPhase();
}

function renderAll(): void {
  renderLanguages();
  renderStatic();
  renderLimits();
  renderFiles();
  renderFormError();
  if (!el.progress.hidden) {
    renderPhase();
    renderProgress();
  }
}

// ---------- choosing files ----------

function checkFile(file: File, type: string): Problem | undefined {
  if (config === undefined) return undefined;
  if (!config.limits.acceptedTypes.includes(type)) return { key: 'errNotMedia', params: { name: file.name } };
  if (file.size > config.limits.maxFileBytes) {
    return {
      key: 'errTooLarge',
      params: { name: file.name, size: formatBytes(lang, config.limits.maxFileBytes) },
    };
  }
  return undefined;
}

function onFilesChosen(): void {
  const files = Array.from(el.files.files ?? []);
  formProblems = [];
  picked = files.map((file) => {
    const type = mediaTypeOf(file);
    const p: Picked = { file, type, keep: false };
    const problem = checkFile(file, type);
    if (problem !== undefined) p.problem = problem;
    return p;
  });
  renderFiles();
  renderFormError();
  for (const p of picked) {
    if (p.problem !== undefined) continue;
    const read = p.type.startsWith('video/') ? readVideoFindings(p.file) : readPhotoFindings(p.file);
    read.then((findings) => {
      p.findings = findings;
      if (picked.includes(p)) renderFiles();
    });
  }
}

function validate(): Problem[] {
  if (config === undefined) return [];
  const problems = picked.flatMap((p) => (p.problem === undefined ? [] : [p.problem]));
  const good = picked.filter((p) => p.problem === undefined);
  if (good.length === 0 && problems.length === 0) problems.push({ key: 'errNoFiles' });
  const envelopes = good.length + (el.note.value.trim() === '' ? 0 : 1) + (good.some((p) => p.keep) ? 1 : 0);
  if (envelopes > config.limits.maxFiles)
    problems.push({ key: 'errTooMany', params: { count: config.limits.maxFiles } });
  return problems;
}

// ---------- sending ----------

async function sources(): Promise<Source[]> {
  const out: Source[] = [];
  const note = el.note.value;
  if (note.trim() !== '') {
    const blob = new Blob([note], { type: 'text/plain' });
    out.push({
      blob,
      manifest: { name: 'note.txt', type: 'text/plain', size: blob.size },
      identity: await identityOf(['note', note]),
      label: { key: 'progressNote' },
    });
  }
  const files = picked.filter((p) => p.problem === undefined);
  const firstFile = out.length + (files.some((p) => p.keep) ? 1 : 0);
  const keep = files.flatMap((p, i) => (p.keep ? [firstFile + i] : []));
  if (keep.length > 0) {
    // The manifest cannot carry this choice yet (v1 rejects unknown fields): one small JSON envelope does.
    const json = JSON.stringify({ v: 1, keepOriginal: keep });
    const blob = new Blob([json], { type: 'application/json' });
    out.push({
      blob,
      manifest: { name: 'choices.json', type: 'application/json', size: blob.size },
      identity: await identityOf(['choices', json]),
    });
  }
  for (const [i, p] of files.entries()) {
    out.push({
      blob: p.file,
      // The original file name is not sent: names often carry dates, places or people.
      manifest: { name: `file-${i + 1}.${extensionFor(p.type)}`, type: p.type, size: p.file.size },
      identity: await identityOf(['file', p.file.name, p.file.size, p.file.lastModified, p.type]),
      label: p.file.name,
    });
  }
  return out;
}

function describe(error: unknown): Problem {
  if (error instanceof ApiError) {
    if (error.status === 507) return { key: 'errServerFull' };
    if (error.status === 404 || error.status === 410) return { key: 'errExpired' };
    return { key: 'errRefused', params: { status: String(error.status) } };
  }
  if (error instanceof EncryptError) {
    return error.code === 'FILE_CHANGED' ? { key: 'errFileChanged' } : { key: 'errBrowser' };
  }
  if (error instanceof NetworkError) return { key: 'errOffline' };
  return { key: 'errRefused', params: { status: '—' } };
}

function waitOnline(): Promise<void> {
  return new Promise((resolve) => {
    if (navigator.onLine) {
      resolve();
      return;
    }
    window.addEventListener('online', () => resolve(), { once: true });
  });
}

/** Prepares the envelopes: continues this tab's unfinished submission if the same sources are picked again. */
async function prepare(
  w: EncryptWorker,
  list: Source[],
  deps: UploadDeps,
): Promise<{ id: string; partBytes: number; bytes: number[] } | 'finished'> {
  const saved = loadSession(sessionStorage);
  if (
    saved !== undefined &&
    saved.items.length === list.length &&
    saved.items.every((item, i) => item.identity === (list[i] as Source).identity)
  ) {
    try {
      const status = await persist(deps, () => api.status(saved.id));
      if (status.state !== 'uploading') return 'finished';
      for (const [i, item] of saved.items.entries()) await w.restore(i, (list[i] as Source).blob, item.saved);
      phase = 'resumed';
      return { id: saved.id, partBytes: saved.partBytes, bytes: saved.items.map((i) => i.bytes) };
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404) && !(error instanceof EncryptError))
        throw error;
    }
  }
  clearSession(sessionStorage);
  const items: SessionItem[] = [];
  for (const [i, s] of list.entries()) {
    const opened = await w.open(i, s.blob, s.manifest);
    items.push({ identity: s.identity, saved: opened.saved, bytes: opened.length });
  }
  // A lost answer makes a retry create a second submission; the first then simply expires unused.
  const created = await persist(deps, () => api.create(items.map((i) => i.bytes)));
  saveSession(sessionStorage, { id: created.id, partBytes: created.partBytes, items });
  return { id: created.id, partBytes: created.partBytes, bytes: items.map((i) => i.bytes) };
}

function setBusy(on: boolean): void {
  busy = on;
  for (const c of el.form.querySelectorAll<HTMLInputElement | HTMLButtonElement | HTMLTextAreaElement>(
    'input, button, textarea',
  )) {
    c.disabled = on;
  }
}

async function onSubmit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (busy || worker === undefined) return;
  formProblems = validate();
  renderFormError();
  if (formProblems.length > 0) {
    el.formError.focus();
    return;
  }
  setBusy(true);
  const w = worker;
  let partBytes = 0;
  const deps: UploadDeps = {
    api,
    produce: (key, part) => w.part(key, partBytes, part),
    isOnline: () => navigator.onLine,
    waitOnline,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    onProgress,
    onPhase,
  };
  let id: string | undefined;
  try {
    const list = await sources();
    rows = list.map((s) => ({ label: s.label, total: s.blob.size, done: 0 }));
    samples.length = 0;
    phase = 'preparing';
    el.resume.hidden = true;
    el.progress.hidden = false;
    renderPhase();
    renderProgress();
    el.progressHeading.focus();
    const prepared = await prepare(w, list, deps);
    if (prepared === 'finished') {
      id = loadSession(sessionStorage)?.id;
    } else {
      id = prepared.id;
      rows = list.map((s, i) => ({ label: s.label, total: prepared.bytes[i] as number, done: 0 }));
      renderPhase();
      renderProgress();
      partBytes = prepared.partBytes;
      await upload(
        deps,
        prepared.id,
        prepared.partBytes,
        prepared.bytes.map((bytes, key) => ({ key, bytes })),
      );
      for (const r of rows) r.done = r.total;
      renderProgress();
    }
    clearSession(sessionStorage);
    for (let i = 0; i < list.length; i++) w.close(i).catch(() => undefined);
    showDone(id ?? '');
  } catch (error) {
    formProblems = [describe(error)];
    if (formProblems[0]?.key === 'errExpired') clearSession(sessionStorage);
    el.progress.hidden = true;
    setBusy(false);
    renderFiles();
    renderFormError();
    el.formError.focus();
  }
}

function showDone(id: string): void {
  el.form.hidden = true;
  el.progress.hidden = true;
  el.done.hidden = false;
  el.code.textContent = groupHex(id);
  document.documentElement.dataset.kua = 'done';
  el.doneHeading.focus();
  void offerReceipt(id);
}

// The witness receipt: polled after finalize, offered as a download (a Blob URL, generic file name).
let receiptUrl: string | undefined;
let receiptFor = '';

function clearReceipt(): void {
  if (receiptUrl !== undefined) URL.revokeObjectURL(receiptUrl);
  receiptUrl = undefined;
  receiptFor = '';
  el.receipt.hidden = true;
  el.receiptUnavailable.hidden = true;
  el.receiptPending.hidden = false;
}

function downloadReceipt(): void {
  if (receiptUrl === undefined) return;
  const a = document.createElement('a');
  a.href = receiptUrl;
  a.download = 'kua-receipt.json';
  a.click();
}

async function offerReceipt(id: string): Promise<void> {
  clearReceipt();
  if (id === '') return;
  receiptFor = id;
  const text = await waitForReceipt(id);
  if (receiptFor !== id) return; // the witness started another submission meanwhile
  el.receiptPending.hidden = true;
  if (text === undefined) {
    el.receiptUnavailable.hidden = false;
    document.documentElement.dataset.kuaReceipt = 'unavailable';
    return;
  }
  receiptUrl = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  el.receipt.hidden = false;
  document.documentElement.dataset.kuaReceipt = 'ready';
}

function reset(): void {
  picked = [];
  formProblems = [];
  rows = [];
  el.files.value = '';
  el.note.value = '';
  el.done.hidden = true;
  clearReceipt();
  el.form.hidden = false;
  setBusy(false);
  renderAll();
  document.documentElement.dataset.kua = 'ready';
  el.files.focus();
}

// ---------- start ----------

function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

async function start(): Promise<void> {
  el.loading.hidden = false; // hidden in the HTML so that without JavaScript only the <noscript> text shows
  renderAll();
  el.files.addEventListener('change', onFilesChosen);
  el.form.addEventListener('submit', (e) => void onSubmit(e));
  el.again.addEventListener('click', reset);
  el.receiptDownload.addEventListener('click', downloadReceipt);
  el.resumeDiscard.addEventListener('click', () => {
    clearSession(sessionStorage);
    el.resume.hidden = true;
    el.files.focus();
  });
  try {
    config = await api.config();
    worker = new EncryptWorker(new URL('./encrypt-worker.js', import.meta.url));
    const { fingerprint } = await worker.init(fromBase64(config.intake.publicKey));
    // Show the fingerprint of the key this page will really encrypt to, and refuse a mismatch.
    if (fingerprint !== config.intake.fingerprint.replace(/\s+/g, '').toLowerCase())
      throw new Error('fingerprint');
    fingerprintHex = fingerprint;
  } catch {
    el.loading.hidden = true;
    el.configError.hidden = false;
    document.documentElement.dataset.kua = 'error';
    return;
  }
  el.loading.hidden = true;
  el.form.hidden = false;
  el.resume.hidden = loadSession(sessionStorage) === undefined;
  renderAll();
  document.documentElement.dataset.kua = 'ready';
}

void start();
