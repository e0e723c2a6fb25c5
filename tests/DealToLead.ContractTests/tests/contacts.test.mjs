import assert from 'node:assert/strict';
import { test } from 'node:test';
import { as, unique } from '../lib/sdk.mjs';

const rep = as('rep');

async function pageThrough(list, params) {
    const ids = [];
    let cursor;
    for (let pages = 0; pages < 50; pages++) {
        const page = await list({ ...params, cursor });
        ids.push(...page.data.map((item) => item.id));
        cursor = page.additional_data?.next_cursor ?? undefined;
        if (!cursor) return { ids, pages: pages + 1 };
    }
    assert.fail('next_cursor never became null');
}

test('persons: add, get, update, delete; the creator owns a person added without owner_id', async () => {
    const me = (await rep.v1.UsersApi.getCurrentUser()).data;
    const person = (await rep.v2.PersonsApi.addPerson({ AddPersonRequest: { name: unique('Person'), emails: [{ value: 'ann@example.com', primary: true, label: 'work' }] } })).data;
    assert.equal(person.owner_id, me.id);
    assert.equal(person.emails[0].value, 'ann@example.com');
    const updated = (await rep.v2.PersonsApi.updatePerson({ id: person.id, UpdatePersonRequest: { name: 'Ann Renamed' } })).data;
    assert.equal(updated.name, 'Ann Renamed');
    assert.equal((await rep.v2.PersonsApi.getPerson({ id: person.id })).data.name, 'Ann Renamed');
    assert.equal((await rep.v2.PersonsApi.deletePerson({ id: person.id })).data.id, person.id);
});

test('organizations take and give the address as the SDK\'s object', async () => {
    const me = (await rep.v1.UsersApi.getCurrentUser()).data;
    const address = { value: 'Drottninggatan 5, 111 51 Stockholm, Sweden', street_number: '5', route: 'Drottninggatan', locality: 'Stockholm', country: 'Sweden', postal_code: '111 51' };
    const org = (await rep.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Org'), address } })).data;
    assert.equal(org.owner_id, me.id);
    assert.deepEqual({ ...org.address, ...address }, org.address);
    const moved = (await rep.v2.OrganizationsApi.updateOrganization({ id: org.id, UpdateOrganizationRequest: { address: { value: 'Kungsgatan 1, Göteborg', locality: 'Göteborg' } } })).data;
    assert.equal(moved.address.locality, 'Göteborg');
    assert.equal((await rep.v2.OrganizationsApi.getOrganization({ id: org.id })).data.address.value, 'Kungsgatan 1, Göteborg');
    assert.equal((await rep.v2.OrganizationsApi.deleteOrganization({ id: org.id })).data.id, org.id);
});

test('persons and organizations page with cursor until next_cursor is null', async () => {
    const org = (await rep.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Org with people') } })).data;
    const people = [];
    for (let i = 0; i < 5; i++) people.push((await rep.v2.PersonsApi.addPerson({ AddPersonRequest: { name: unique('Member'), org_id: org.id } })).data.id);
    const persons = await pageThrough((p) => rep.v2.PersonsApi.getPersons(p), { org_id: org.id, limit: 2 });
    assert.deepEqual(persons.ids.sort((a, b) => a - b), people.sort((a, b) => a - b));
    assert.equal(persons.pages, 3);
    const orgs = await pageThrough((p) => rep.v2.OrganizationsApi.getOrganizations(p), { limit: 100 });
    assert.ok(orgs.ids.includes(org.id));
    assert.equal(new Set(orgs.ids).size, orgs.ids.length);
});

test('activities page with cursor until next_cursor is null', async () => {
    const deal = (await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Busy deal') } })).data;
    const created = [];
    for (let i = 0; i < 5; i++) {
        created.push((await rep.v2.ActivitiesApi.addActivity({ AddActivityRequest: { subject: `Step ${i}`, type: 'task', deal_id: deal.id, due_date: '2030-05-01' } })).data.id);
    }
    const listed = await pageThrough((p) => rep.v2.ActivitiesApi.getActivities(p), { deal_id: deal.id, limit: 2 });
    assert.deepEqual(listed.ids.sort((a, b) => a - b), created.sort((a, b) => a - b));
});
