import assert from 'node:assert/strict';
import { test } from 'node:test';
import { as, refused, unique } from '../lib/sdk.mjs';

const rep = as('rep');

async function convertToLead(dealId) {
    const started = await rep.v2.DealsApi.convertDealToLead({ id: dealId });
    const status = await rep.v2.DealsApi.getDealConversionStatus({ id: dealId, conversion_id: started.data.conversion_id });
    assert.equal(status.data.status, 'completed');
    return status.data.lead_id;
}

test('a deal converted through the SDK becomes a lead that links back to it', async () => {
    const person = (await rep.v2.PersonsApi.addPerson({ AddPersonRequest: { name: unique('Person') } })).data;
    const deal = (await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Deal to park'), person_id: person.id, value: 500, currency: 'EUR' } })).data;
    const leadId = await convertToLead(deal.id);
    const lead = (await rep.v1.LeadsApi.getLead({ id: leadId })).data;
    assert.equal(lead.source_deal_id, deal.id);
    assert.equal(lead.source_name, 'Deal');
    assert.equal(lead.person_id, person.id);
    assert.equal(lead.value.amount, 500);
    assert.equal(typeof lead.cc_email, 'string');
    assert.equal((await rep.v2.DealsApi.getDeal({ id: deal.id })).data.is_deleted, true);
});

test('a deal without a person or an organization cannot become a lead (a lead needs one), and says so', async () => {
    const deal = (await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Contactless deal') } })).data;
    const body = await refused(rep.v2.DealsApi.convertDealToLead({ id: deal.id }));
    assert.match(body.error, /person or an organization/);
    assert.equal((await rep.v2.DealsApi.getDeal({ id: deal.id })).data.is_deleted, false);
});

test('a lead converted to a deal carries source_lead_id, also when asked for with include_fields', async () => {
    const org = (await rep.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Org') } })).data;
    const lead = (await rep.v1.LeadsApi.addLead({ AddLeadRequest: { title: unique('Lead to promote'), organization_id: org.id } })).data;
    const started = await rep.v2.LeadsApi.convertLeadToDeal({ id: lead.id });
    const status = await rep.v2.LeadsApi.getLeadConversionStatus({ id: lead.id, conversion_id: started.data.conversion_id });
    assert.equal(status.data.status, 'completed');
    const deal = (await rep.v2.DealsApi.getDeal({ id: status.data.deal_id, include_fields: 'source_lead_id' })).data;
    assert.equal(deal.source_lead_id, lead.id);
    const listed = await rep.v2.DealsApi.getDeals({ ids: String(deal.id), include_fields: 'source_lead_id' });
    assert.equal(listed.data[0].source_lead_id, lead.id);
});

test('a converted deal\'s done activities stay readable on the deleted deal; upcoming ones move to the lead', async () => {
    const org = (await rep.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Org') } })).data;
    const deal = (await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Deal with history'), org_id: org.id } })).data;
    const done = (await rep.v2.ActivitiesApi.addActivity({ AddActivityRequest: { subject: 'Intro call', type: 'call', deal_id: deal.id, due_date: '2026-01-10', done: true } })).data;
    const upcoming = (await rep.v2.ActivitiesApi.addActivity({ AddActivityRequest: { subject: 'Follow-up', type: 'call', deal_id: deal.id, due_date: '2030-01-10' } })).data;
    const leadId = await convertToLead(deal.id);
    const kept = (await rep.v2.ActivitiesApi.getActivity({ id: done.id })).data;
    assert.equal(kept.deal_id, deal.id);
    assert.equal(kept.done, true);
    const onDeal = await rep.v2.ActivitiesApi.getActivities({ deal_id: deal.id });
    assert.deepEqual(onDeal.data.map((a) => a.id), [done.id]);
    const onLead = await rep.v2.ActivitiesApi.getActivities({ lead_id: leadId });
    assert.deepEqual(onLead.data.map((a) => a.id), [upcoming.id]);
});

test('the conversion status\'s formula-field notice is an extra field, the typed ones stay as typed', async () => {
    const org = (await rep.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Org') } })).data;
    const deal = (await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Deal with formula'), org_id: org.id } })).data;
    const started = await rep.v2.DealsApi.convertDealToLead({ id: deal.id });
    const status = await rep.v2.DealsApi.getDealConversionStatus({ id: deal.id, conversion_id: started.data.conversion_id });
    assert.ok(Array.isArray(status.data.formula_fields_not_carried));
    assert.equal(typeof status.data.conversion_id, 'string');
});
