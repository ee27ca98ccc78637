import { describe, expect, it } from 'vitest';
import { goJsonMarshal, pythonJsonDumps } from './python-json.js';

describe('pythonJsonDumps', () => {
  it('writes the seed heat_outputs string byte for byte', () => {
    const outputs = [
      { output_value: 'cccccccc-cccc-cccc-cccc-cccccccccccc', description: 'A unique id for the logical interface', output_key: 'id' },
      {
        output_value: null,
        output_error: "'ContrailLogicalInterface' object has no attribute 'li_uuid'",
        description: 'The name of the logical interface.',
        output_key: 'name',
      },
    ];
    expect(pythonJsonDumps(outputs)).toBe(
      '[{"output_value": "cccccccc-cccc-cccc-cccc-cccccccccccc", "description": "A unique id for the logical interface", "output_key": "id"}, {"output_value": null, "output_error": "\'ContrailLogicalInterface\' object has no attribute \'li_uuid\'", "description": "The name of the logical interface.", "output_key": "name"}]',
    );
    expect(pythonJsonDumps({ logical_port: 'ACTIVE' })).toBe('{"logical_port": "ACTIVE"}');
    expect(pythonJsonDumps({})).toBe('{}');
  });

  it('sorts keys like Go for config bodies', () => {
    expect(goJsonMarshal({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});
