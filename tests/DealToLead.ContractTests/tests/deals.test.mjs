import assert from 'node:assert/strict';
import { test } from 'node:test';
import { as, refused, unique } from '../lib/sdk.mjs';

const rep = as('rep');

async function newDeal(fields = {}) {
    const { data } = await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Deal'), ...fields } });
    return data;
}

test('addDeal with only a title, as the SDK requires, creates an open deal owned by the caller', async () => {
    const deal = await newDeal();
    const me = (await rep.v1.UsersApi.getCurrentUser()).data;
    assert.equal(deal.status, 'open');
    assert.equal(deal.owner_id, me.id);
    assert.equal(deal.person_id, null);
    assert.equal(deal.org_id, null);
});

test('getDeal, updateDeal and deleteDeal answer in the SDK types', async () => {
    const deal = await newDeal({ value: 1250, currency: 'EUR', probability: 40 });
    const fetched = (await rep.v2.DealsApi.getDeal({ id: deal.id })).data;
    assert.equal(fetched.value, 1250);
    const updated = (await rep.v2.DealsApi.updateDeal({ id: deal.id, UpdateDealRequest: { title: 'Renamed by the SDK', value: 99 } })).data;
    assert.equal(updated.title, 'Renamed by the SDK');
    assert.equal(updated.value, 99);
    const deleted = await rep.v2.DealsApi.deleteDeal({ id: deal.id });
    assert.equal(deleted.data.id, deal.id);
    assert.equal((await rep.v2.DealsApi.getDeal({ id: deal.id })).data.is_deleted, true);
});

test('getDeals pages with cursor and limit until next_cursor is null, each deal once', async () => {
    const created = [];
    for (let i = 0; i < 7; i++) created.push((await newDeal()).id);
    const seen = [];
    let cursor;
    let pages = 0;
    do {
        const page = await rep.v2.DealsApi.getDeals({ ids: created.join(','), limit: 3, cursor });
        assert.ok(page.data.length <= 3);
        seen.push(...page.data.map((d) => d.id));
        cursor = page.additional_data?.next_cursor ?? undefined;
        pages++;
    } while (cursor && pages < 10);
    assert.deepEqual(seen.sort((a, b) => a - b), created.sort((a, b) => a - b));
    assert.equal(pages, 3);
});

test('getDeals sorts by the SDK\'s sort_by and sort_direction', async () => {
    const ids = [(await newDeal()).id, (await newDeal()).id, (await newDeal()).id];
    const descending = await rep.v2.DealsApi.getDeals({ ids: ids.join(','), sort_by: 'id', sort_direction: 'desc' });
    assert.deepEqual(descending.data.map((d) => d.id), [...ids].sort((a, b) => b - a));
    await rep.v2.DealsApi.updateDeal({ id: ids[0], UpdateDealRequest: { title: 'Touched last' } });
    const byUpdate = await rep.v2.DealsApi.getDeals({ ids: ids.join(','), sort_by: 'update_time', sort_direction: 'desc' });
    assert.equal(byUpdate.data[0].id, ids[0]);
});

test('getDeals filters by updated_since, pipeline_id and stage_id as typed', async () => {
    const deal = await newDeal();
    const since = new Date(Date.parse(deal.update_time) - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const recent = await rep.v2.DealsApi.getDeals({ ids: String(deal.id), updated_since: since, pipeline_id: deal.pipeline_id, stage_id: deal.stage_id });
    assert.deepEqual(recent.data.map((d) => d.id), [deal.id]);
    const future = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    assert.equal((await rep.v2.DealsApi.getDeals({ ids: String(deal.id), updated_since: future })).data.length, 0);
});

test('deal labels are label_ids, numbers from the deal field "label"', async () => {
    const fields = (await rep.v1.DealFieldsApi.getDealFields({ limit: 500 })).data;
    const label = fields.find((f) => f.key === 'label');
    assert.ok(label, 'dealFields has the label field');
    assert.ok(label.options.length > 0);
    const deal = await newDeal({ label_ids: [label.options[0].id] });
    assert.deepEqual(deal.label_ids, [label.options[0].id]);
});

test('a deal the caller may not see is refused with Pipedrive\'s error body', async () => {
    const body = await refused(as('rep').v2.DealsApi.getDeal({ id: 2147483000 }));
    assert.equal(body.success, false);
    assert.equal(typeof body.error, 'string');
});
