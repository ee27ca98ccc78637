import { describe, expect, it } from 'vitest';
import { MappingError, resolveTemplateId } from './index.js';
import { context } from './test-support/memory-lookup.js';
import { sampleContext } from './test-support/sample-world.js';

const portMapping = {
  if_mapping: { regexp: [{ field: 'device_owner' }, { constant: 'network:dhcp|network:empty' }] },
  then_mapping: { constant: null },
  else_mapping: { constant: 'port' },
};

describe('resolveTemplateId', () => {
  it('C is the constant id', async () => {
    expect(await resolveTemplateId('Cnetwork', context('network', { id: 'n1' }))).toBe('network');
  });

  it('P is the field value', async () => {
    expect(await resolveTemplateId('Ptemplate', context('x', { template: 'x_v2' }))).toBe('x_v2');
  });

  it.each([
    ['ACgw_interface_&Pservice_type', { service_type: 'internet' }, 'gw_interface_internet'],
    ['ACese_device_&Pexisting', { existing: 'existing' }, 'ese_device_existing'],
    ['ACese_device_&Pexisting', { existing: 'new' }, 'ese_device_new'],
    ['ACstatic_route_&Pservice_type', { service_type: 'vpn' }, 'static_route_vpn'],
  ])('%s on %j -> %s', async (mapping, body, expected) => {
    expect(await resolveTemplateId(mapping, context('t', body))).toBe(expected);
  });

  it.each([
    ['network:dhcp', null],
    ['network:empty', null],
    ['network:gw_interface', 'port'],
    ['compute:nova', 'port'],
  ])('port with device_owner %s -> %j', async (owner, expected) => {
    expect(await resolveTemplateId(portMapping, context('port', { device_owner: owner }))).toBe(expected);
  });

  it('no mapping means no template', async () => {
    expect(await resolveTemplateId(undefined, context('tenant', {}))).toBeNull();
    expect(await resolveTemplateId(null, context('tenant', {}))).toBeNull();
  });

  it('can follow paths', async () => {
    const mapping = 'ACgw_&Finternet_gateway+internet_gw_id:vlan_id';
    expect(await resolveTemplateId(mapping, sampleContext('gw_interface', { id: 'gw1', internet_gw_id: 'ig1' }))).toBe('gw_1025');
  });

  it('an empty id (ignore_missing) means no template', async () => {
    const mapping = { field: 'x', path: ['internet_gw_id'], ignore_missing: true };
    expect(await resolveTemplateId(mapping, sampleContext('gw_interface', { id: 'gw1' }))).toBeNull();
  });

  it('fails with a MappingError naming the mapping and the reason', async () => {
    const error = await resolveTemplateId('ACgw_interface_&Pservice_type', context('gw_interface', { id: 'gw9' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MappingError);
    const mappingError = error as MappingError;
    expect(mappingError.param).toBeUndefined();
    expect(mappingError.message).toContain('template mapping of gw_interface "gw9"');
    expect(mappingError.message).toContain('"ACgw_interface_&Pservice_type"');
    expect(mappingError.reason).toBe('part 1 of concatenate is null');
  });

  it.each([
    [{ constant: 5 }, 'yielded 5, not a template id'],
    [{ output_key: 'id' }, 'not a template id'],
    ['Zz', 'unknown compact mapping'],
  ])('rejects %j', async (mapping, reason) => {
    await expect(resolveTemplateId(mapping, context('t', { id: 't1' }))).rejects.toThrow(reason);
  });
});
