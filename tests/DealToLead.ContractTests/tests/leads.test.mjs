import assert from 'node:assert/strict';
import { test } from 'node:test';
import { as, refused, unique } from '../lib/sdk.mjs';

const rep = as('rep');
const admin = as('admin');

// As in Pipedrive, a lead needs a person or an organization.
async function newLead(fields = {}) {
    const person = (await rep.v2.PersonsApi.addPerson({ AddPersonRequest: { name: unique('Lead person') } })).data;
    return (await rep.v1.LeadsApi.addLead({ AddLeadRequest: { title: unique('Lead'), person_id: person.id, ...fields } })).data;
}

test('addLead, getLead, updateLead and deleteLead answer with every field the SDK\'s Lead requires', async () => {
    const lead = await newLead({ value: { amount: 1200, currency: 'SEK' }, expected_close_date: '2027-03-01', visible_to: '3' });
    assert.equal(lead.visible_to, '3');
    assert.equal(lead.source_deal_id, null);
    assert.equal(lead.channel, null);
    const updated = (await rep.v1.LeadsApi.updateLead({ id: lead.id, UpdateLeadRequest: { title: 'Renamed lead', is_archived: true } })).data;
    assert.equal(updated.title, 'Renamed lead');
    assert.equal(updated.is_archived, true);
    const archived = await rep.v1.LeadsApi.getArchivedLeads({ limit: 500 });
    assert.ok(archived.data.some((l) => l.id === lead.id));
    const fetched = (await rep.v1.LeadsApi.getLead({ id: lead.id })).data;
    assert.equal(fetched.value.amount, 1200);
    const deleted = await rep.v1.LeadsApi.deleteLead({ id: lead.id });
    assert.equal(deleted.data.id, lead.id);
    await refused(rep.v1.LeadsApi.getLead({ id: lead.id }));
});

test('getLeads pages with start and limit and says whether more items follow', async () => {
    for (let i = 0; i < 3; i++) await newLead();
    const first = await rep.v1.LeadsApi.getLeads({ limit: 2, start: 0 });
    assert.equal(first.data.length, 2);
    // The SDK types the leads list's additional_data flat: { start, limit, more_items_in_collection }.
    assert.equal(first.additional_data.more_items_in_collection, true);
    const second = await rep.v1.LeadsApi.getLeads({ limit: 2, start: 2 });
    assert.notDeepEqual(second.data.map((l) => l.id), first.data.map((l) => l.id));
});

test('lead labels: add, list, update, delete, and put on a lead', async () => {
    const label = (await admin.v1.LeadLabelsApi.addLeadLabel({ AddLeadLabelRequest: { name: unique('Label'), color: 'green' } })).data;
    const labels = (await rep.v1.LeadLabelsApi.getLeadLabels()).data;
    assert.ok(labels.some((l) => l.id === label.id));
    const renamed = (await admin.v1.LeadLabelsApi.updateLeadLabel({ id: label.id, UpdateLeadLabelRequest: { color: 'red' } })).data;
    assert.equal(renamed.color, 'red');
    const lead = await newLead({ label_ids: [label.id] });
    assert.deepEqual(lead.label_ids, [label.id]);
    assert.equal((await admin.v1.LeadLabelsApi.deleteLeadLabel({ id: label.id })).data.id, label.id);
});

test('addLead without a person or an organization is refused, as Pipedrive refuses it', async () => {
    const body = await refused(rep.v1.LeadsApi.addLead({ AddLeadRequest: { title: unique('Lonely lead') } }));
    assert.match(body.error, /person or an organization/);
});

test('lead sources are listed as typed', async () => {
    const sources = (await rep.v1.LeadSourcesApi.getLeadSources()).data;
    assert.ok(sources.some((s) => s.name === 'Deal'));
});

test('notes scoped by lead: addNote with lead_id attaches to the lead and getNotes filters by it', async () => {
    const lead = await newLead();
    const other = await newLead();
    const note = (await rep.v1.NotesApi.addNote({ AddNoteRequest: { content: 'About this lead', lead_id: lead.id } })).data;
    await rep.v1.NotesApi.addNote({ AddNoteRequest: { content: 'About another lead', lead_id: other.id } });
    assert.equal(note.lead_id, lead.id);
    const notes = await rep.v1.NotesApi.getNotes({ lead_id: lead.id });
    assert.deepEqual(notes.data.map((n) => n.id), [note.id]);
    const fetched = (await rep.v1.NotesApi.getNote({ id: note.id })).data;
    assert.equal(fetched.content, 'About this lead');
    const updated = (await rep.v1.NotesApi.updateNote({ id: note.id, NoteRequest: { content: 'Edited' } })).data;
    assert.equal(updated.content, 'Edited');
    assert.equal((await rep.v1.NotesApi.deleteNote({ id: note.id })).data, true);
});

test('activities scoped by lead: addActivity with lead_id attaches to the lead and getActivities filters by it', async () => {
    const lead = await newLead();
    const other = await newLead();
    const activity = (await rep.v2.ActivitiesApi.addActivity({ AddActivityRequest: { subject: 'Call the lead', type: 'call', lead_id: lead.id, due_date: '2030-02-01' } })).data;
    await rep.v2.ActivitiesApi.addActivity({ AddActivityRequest: { subject: 'Call the other', type: 'call', lead_id: other.id, due_date: '2030-02-01' } });
    assert.equal(activity.lead_id, lead.id);
    const listed = await rep.v2.ActivitiesApi.getActivities({ lead_id: lead.id });
    assert.deepEqual(listed.data.map((a) => a.id), [activity.id]);
    const updated = (await rep.v2.ActivitiesApi.updateActivity({ id: activity.id, AddActivityRequest: { done: true } })).data;
    assert.equal(updated.done, true);
    assert.equal((await rep.v2.ActivitiesApi.deleteActivity({ id: activity.id })).data.id, activity.id);
});
