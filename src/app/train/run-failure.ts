/**
 * Whether a training run's failure is the user's to read. A lost GPU device fails the step in
 * flight, often before `device.lost` settles, and sometimes only after a new device has taken
 * over (the old run's last step rejects while device-recovery.ts replaces the run): the
 * recovery tells that story. So a failure counts only when the device the run trained on is
 * still there a moment later, never the page's device of the moment, and the run is still the
 * page's run.
 */
export async function failureToReport(
  runDevice: { readonly lost: Promise<unknown> },
  stillCurrent: () => boolean,
  graceMs = LOSS_GRACE_MS,
): Promise<boolean> {
  const lost = await Promise.race([runDevice.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs))]);
  return !lost && stillCurrent();
}

/** How long a failure waits for a device loss to explain it before it is reported (ms). */
export const LOSS_GRACE_MS = 1000;
