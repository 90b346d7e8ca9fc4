// Smoke UI script: the extension installed in a real VS Code is listed, and once its view container
// is opened it is running and its "Containerd" log channel exists.
import * as fs from 'fs';
import * as path from 'path';
import type { UiSession } from '../runner/run-ui';
import { projectRoot } from '../runner/toolchain';

interface ViewContainer { title?: string }
interface Manifest { displayName: string; contributes?: { viewsContainers?: { activitybar?: ViewContainer[] } } }

export async function run(ui: UiSession): Promise<void> {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as Manifest;
  await ui.shot('workbench');

  await ui.openPalette('Extensions: Show Installed Extensions');
  await ui.findListRow('.extensions-viewlet', manifest.displayName);
  await ui.shot('installed-extensions');

  // Nothing activates the extension until it contributes something (views, commands). When it has a
  // "Containerd" view container, opening it must activate the extension and create the log channel.
  const hasContainer = manifest.contributes?.viewsContainers?.activitybar?.some((c) => c.title === 'Containerd');
  if (!hasContainer) {
    console.log('    (no "Containerd" view container contributed yet: activation checks skipped)');
    return;
  }
  await ui.clickActivity('Containerd');
  await ui.shot('containerd-view');
  // Running Extensions lists activated extensions only.
  await ui.openPalette('Developer: Show Running Extensions');
  await ui.findListRow('.runtime-extensions-editor', manifest.displayName);
  await ui.shot('running-extensions');
  await ui.page.keyboard.press('Escape');
  await ui.openPalette('Output: Show Output Channels');
  const channel = ui.quickPickRow('Containerd');
  await channel.waitFor({ state: 'visible', timeout: 30_000 }); // throws when the channel is missing
  await channel.click();
  await ui.page.locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]').first()
    .waitFor({ state: 'visible', timeout: 30_000 });
  await ui.shot('output-containerd');
}
