// Video sanitising: probe → plan → ffmpeg remux, all isolated.
import { RefusedMediaError } from './errors.js';
import { runLimited } from './isolated.js';
import { neutraliseMp4HevcSei } from './mp4-hvcc.js';
import { refusalFor } from './outcome.js';
import { ProbeError, type ProbeResult, probe } from './probe.js';
import type { ProcessLimits, ToolRun } from './types.js';
import { FFMPEG, toolVersion } from './versions.js';
import { planVideo, type VideoPlan } from './video-plan.js';

export async function probeInput(path: string, limits: ProcessLimits): Promise<ProbeResult> {
  try {
    return await probe(path, limits);
  } catch (error) {
    if (error instanceof ProbeError)
      throw new RefusedMediaError(error.truncated ? 'truncated' : 'undecodable');
    throw error;
  }
}

export async function remux(
  input: ProbeResult,
  inputMime: string,
  paths: { input: string; outputBase: string },
  options: { limits: ProcessLimits; scratchDir: string; onSpawn?: (pid: number) => void },
): Promise<{ plan: VideoPlan; outputPath: string; tool: ToolRun[] }> {
  const placeholder = planVideo(input, inputMime, { input: paths.input, output: 'OUTPUT' });
  const outputPath = `${paths.outputBase}.${placeholder.extension}`;
  const plan = planVideo(input, inputMime, { input: paths.input, output: outputPath });
  const outcome = await runLimited(FFMPEG, plan.args, {
    limits: options.limits,
    memoryKind: 'as',
    tmpDir: options.scratchDir,
    cwd: options.scratchDir,
    maxStdoutBytes: 1024 * 1024,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
  if (outcome.timedOut || outcome.code !== 0) throw new RefusedMediaError(refusalFor(outcome));
  const recorded = plan.args.map((arg) =>
    arg === `file:${paths.input}`
      ? 'file:INPUT'
      : arg === `file:${outputPath}`
        ? `file:OUTPUT.${plan.extension}`
        : arg,
  );
  const version = await toolVersion('ffmpeg', options.limits);
  const tool: ToolRun[] = [{ name: 'ffmpeg', version, args: recorded }];
  if (plan.container === 'mp4' && plan.kept.some((s) => s.codec === 'hevc')) {
    const neutralised = await neutraliseMp4HevcSei(outputPath);
    if (neutralised > 0) {
      tool.push({
        name: 'kua hvcC SEI neutraliser',
        version: '1',
        args: [`${neutralised} SEI NAL units → reserved type 41, payload zeroed`],
      });
    }
  }
  return { plan, outputPath, tool };
}
