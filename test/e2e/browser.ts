/**
 * Starts the viewer (vite dev server on a free port) and headless Chromium on SwiftShader, as
 * described in ../shared/docs/gpu-testing.md. Collects console errors and page crashes so tests
 * can assert there were none.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');
/** Where tests leave screenshots and downloads for a person to look at. */
export const TEST_OUTPUT = resolve(REPO_ROOT, 'test-output');

/** Flags that keep WebGPU alive on SwiftShader across many frames (gpu-testing.md section 2). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ViewerPage {
  page: Page;
  /** console.error lines and uncaught page errors, in order. */
  errors: string[];
}

export interface ViewerSession extends ViewerPage {
  baseUrl: string;
  /** Another tab (fresh page state) with its own error log. */
  openPage(init?: (() => void) | { content: string }): Promise<ViewerPage>;
  close(): Promise<void>;
}

export async function startViewer(viewport: { width: number; height: number }): Promise<ViewerSession> {
  const server: ViteDevServer = await createServer({
    root: REPO_ROOT,
    configFile: resolve(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
  });
  let browser: Browser | undefined;
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('vite dev server did not report a TCP port');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    browser = b;
    const openPage = async (init?: (() => void) | { content: string }): Promise<ViewerPage> => {
      const page = await b.newPage({ viewport, deviceScaleFactor: 1 });
      if (init) await page.addInitScript(init);
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      return { page, errors };
    };
    const first = await openPage();
    return {
      ...first,
      baseUrl,
      openPage,
      close: async () => {
        await b.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
}

/** Starts a viewer before the file's tests (handing it to `use`) and closes it after them. */
export function viewerForTests(viewport: { width: number; height: number }, use: (session: ViewerSession) => void): void {
  let session: ViewerSession | undefined;
  beforeAll(async () => {
    session = await startViewer(viewport);
    mkdirSync(TEST_OUTPUT, { recursive: true });
    use(session);
  });
  afterAll(async () => {
    await session?.close();
  });
}
