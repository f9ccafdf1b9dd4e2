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
  graceMs: number,
): Promise<boolean> {
  const lost = await Promise.race([runDevice.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs))]);
  return !lost && stillCurrent();
}
