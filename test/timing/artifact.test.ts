// Model folders: where a model is written and how a typed reference finds one, without leaving the
// models folder. Real files in a temp folder.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scalers } from '../../src/dataset/inputs.js';
import { BftError } from '../../src/errors.js';
import { modelDir, resolveModelDir, writeArtifact, type ArtifactMeta } from '../../src/timing/artifact.js';
import { quietly } from '../../src/models/quiet.js';
import { tempDir } from '../helpers/fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let models: string;
beforeAll(() => {
  tmp = tempDir('bft-artifact-');
  models = join(tmp.dir, 'models');
  // models/a/{id1,id2}; a model folder beside models/ that an id such as ../../x would reach
  for (const d of [join(models, 'a', 'id1'), join(models, 'a', 'id2'), join(tmp.dir, 'x')]) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'meta.json'), '{}');
  }
});
afterAll(() => tmp.cleanup());

describe('model folders', () => {
  it('builds models/<name>/<id> and refuses a name or id that would leave the models folder', () => {
    expect(modelDir(models, 'a', 'id1')).toBe(join(models, 'a', 'id1'));
    for (const [name, id] of [['..', 'id1'], ['.', 'id1'], ['a', '..'], ['a', '../../x'], ['.git', 'id1'], ['a/b', 'id1']] as const) {
      expect(() => modelDir(models, name, id), `${name} ${id}`).toThrow(BftError);
    }
    expect(() => modelDir(models, '..', 'id1')).toThrow(/model "\.\.", id "id1": not a model folder under .*models \(each must be one folder name/);
  });

  it('writes no model outside the models folder, whatever path it is handed', async () => {
    const model = quietly(() => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }));
    const scalers = {} as Scalers;
    try {
      // What `bft train` did with a config named "..": models/../<id>.
      const meta = { name: '..', id: 'escaped' } as ArtifactMeta;
      await expect(writeArtifact(join(models, '..', 'escaped'), model, meta, scalers)).rejects.toThrow(BftError);
      expect(existsSync(join(tmp.dir, 'escaped'))).toBe(false);
      // A folder that is not <models>/<name>/<id> of its own meta.
      await expect(writeArtifact(join(models, 'a', 'other'), model, { name: 'a', id: 'id3' } as ArtifactMeta, scalers)).rejects.toThrow(/is not a folder <models>\/a\/id3/);
      expect(existsSync(join(models, 'a', 'other'))).toBe(false);
    } finally {
      model.dispose();
    }
  });

  it('finds a model by name, name/id, id or path, and never looks a path up under the models folder', () => {
    expect(resolveModelDir(models, 'a')).toBe(join(models, 'a', 'id2'));
    expect(resolveModelDir(models, 'id1')).toBe(join(models, 'a', 'id1'));
    expect(resolveModelDir(models, 'a/id1')).toBe(join(models, 'a', 'id1'));
    // A path the user gives is the folder they mean.
    expect(resolveModelDir(models, join(tmp.dir, 'x'))).toBe(join(tmp.dir, 'x'));
    // Before: ../../x was tried as an id under every name, models/a/../../x, the folder beside models/.
    expect(() => resolveModelDir(models, '../../x')).toThrow(BftError);
    expect(() => resolveModelDir(models, '../../x')).toThrow(/^no model "\.\.\/\.\.\/x"/);
    expect(() => resolveModelDir(models, '..')).toThrow(BftError);
    expect(() => resolveModelDir(models, 'a/..')).toThrow(BftError);
  });
});
