import assert from 'node:assert/strict';
import { test } from 'node:test';
import { as, refused, unique } from '../lib/sdk.mjs';

const admin = as('admin');
const rep = as('rep');

test('pipelines: add, get, update, delete (admin), and limit and cursor are honoured', async () => {
    const pipeline = (await admin.v2.PipelinesApi.addPipeline({ AddPipelineRequest: { name: unique('Pipeline') } })).data;
    assert.equal((await admin.v2.PipelinesApi.getPipeline({ id: pipeline.id })).data.name, pipeline.name);
    const newName = unique('Renamed pipeline');
    const renamed = (await admin.v2.PipelinesApi.updatePipeline({ id: pipeline.id, UpdatePipelineRequest: { name: newName } })).data;
    assert.equal(renamed.name, newName);
    const firstPage = await rep.v2.PipelinesApi.getPipelines({ limit: 1 });
    assert.equal(firstPage.data.length, 1);
    assert.equal(typeof firstPage.additional_data.next_cursor, 'string');
    const second = await rep.v2.PipelinesApi.getPipelines({ limit: 1, cursor: firstPage.additional_data.next_cursor });
    assert.notEqual(second.data[0].id, firstPage.data[0].id);
    assert.equal((await admin.v2.PipelinesApi.deletePipeline({ id: pipeline.id })).data.id, pipeline.id);
});

test('stages: add, get, update, delete (admin), filtered by pipeline, limit honoured', async () => {
    const pipeline = (await admin.v2.PipelinesApi.addPipeline({ AddPipelineRequest: { name: unique('Pipeline for stages') } })).data;
    const stage = (await admin.v2.StagesApi.addStage({ AddStageRequest: { name: 'Demo booked', pipeline_id: pipeline.id, deal_probability: 60 } })).data;
    assert.equal(stage.pipeline_id, pipeline.id);
    assert.equal((await admin.v2.StagesApi.getStage({ id: stage.id })).data.name, 'Demo booked');
    assert.equal((await admin.v2.StagesApi.updateStage({ id: stage.id, UpdateStageRequest: { name: 'Demo held' } })).data.name, 'Demo held');
    const stages = await rep.v2.StagesApi.getStages({ pipeline_id: pipeline.id, limit: 2 });
    assert.equal(stages.data.length, 2);
    assert.ok(stages.data.every((s) => s.pipeline_id === pipeline.id));
    assert.equal(typeof stages.additional_data.next_cursor, 'string');
    assert.equal((await admin.v2.StagesApi.deleteStage({ id: stage.id })).data.id, stage.id);
    await admin.v2.PipelinesApi.deletePipeline({ id: pipeline.id });
});

test('a regular user may not add a pipeline', async () => {
    const body = await refused(rep.v2.PipelinesApi.addPipeline({ AddPipelineRequest: { name: unique('Not allowed') } }));
    assert.equal(body.success, false);
});

test('dealFields honour start and limit and type every field_type in the SDK\'s enum', async () => {
    const all = (await rep.v1.DealFieldsApi.getDealFields({ limit: 500 })).data;
    assert.ok(all.length > 3);
    const page = await rep.v1.DealFieldsApi.getDealFields({ start: 1, limit: 2 });
    assert.deepEqual(page.data.map((f) => f.key), all.slice(1, 3).map((f) => f.key));
    assert.equal(page.additional_data.more_items_in_collection, true);
});

test('users: the current user, one user and all users', async () => {
    const me = (await rep.v1.UsersApi.getCurrentUser()).data;
    assert.equal(me.email, 'rep@dealtolead.local');
    assert.equal((await rep.v1.UsersApi.getUser({ id: me.id })).data.id, me.id);
    assert.ok((await rep.v1.UsersApi.getUsers()).data.some((u) => u.id === me.id));
});

test('permission sets as the SDK types them (string ids), admins only', async () => {
    const sets = (await admin.v1.PermissionSetsApi.getPermissionSets()).data;
    assert.ok(sets.length >= 2);
    const one = await admin.v1.PermissionSetsApi.getPermissionSet({ id: sets[0].id });
    assert.equal(one.id ?? one.data?.id, sets[0].id);
    await refused(rep.v1.PermissionSetsApi.getPermissionSets());
});

test('an unknown API token gets Pipedrive\'s 401 body with errorCode and error_code', async () => {
    const body = await refused(as('ffffffffffffffffffffffffffffffffffffffff').v1.UsersApi.getCurrentUser());
    assert.equal(body.success, false);
    assert.equal(body.errorCode, 401);
    assert.equal(body.error_code, 401);
});
