import assert from 'node:assert/strict';
import { test } from 'node:test';
import { as, baseUrl, refused, tokens, unique } from '../lib/sdk.mjs';

const rep = as('rep');
const admin = as('admin');

const pdf = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

async function dealWithOrg(client = rep, visibleTo = undefined) {
    const org = (await client.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Files org') } })).data;
    return (await client.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Deal with files'), org_id: org.id, ...(visibleTo ? { visible_to: visibleTo } : {}) } })).data;
}

test('addFile uploads to a deal; getFile, getFiles and getDealFiles list it; downloadFile returns its bytes', async () => {
    const deal = await dealWithOrg();

    const added = await rep.v1.FilesApi.addFile({ file: new File([pdf], 'Quote.pdf', { type: 'application/pdf' }), deal_id: deal.id });
    const id = added.data.id;
    const one = await rep.v1.FilesApi.getFile({ id });
    const all = await rep.v1.FilesApi.getFiles({ start: 0, limit: 100, sort: 'id DESC' });
    const ofDeal = await rep.v1.DealsApi.getDealFiles({ id: deal.id, limit: 10 });
    const bytes = await rep.v1.FilesApi.downloadFile({ id });

    assert.equal(added.success, true);
    assert.equal(added.data.file_name, 'Quote.pdf');
    assert.equal(added.data.file_size, pdf.length);
    assert.equal(added.data.deal_id, deal.id);
    assert.equal(added.data.active_flag, true);
    assert.equal(one.data.deal_name, deal.title);
    assert.ok(all.data.some((f) => f.id === id));
    assert.equal(all.additional_data.pagination.start, 0);
    assert.deepEqual(ofDeal.data.map((f) => f.id), [id]);
    assert.equal(ofDeal.additional_data.more_items_in_collection, false);
    assert.ok(Buffer.from(bytes).equals(pdf));
});

test('the content type comes from the bytes: a .pdf name with PNG bytes is an image', async () => {
    const deal = await dealWithOrg();

    const added = await rep.v1.FilesApi.addFile({ file: new Blob([png], { type: 'application/pdf' }), deal_id: deal.id });

    assert.equal(added.data.content_type, 'image/png');
    assert.equal(added.data.file_type, 'img');
    const response = await fetch(`${baseUrl}/api/v1/files/${added.data.id}/download`, { headers: { 'x-api-token': tokens.rep } });
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-disposition'), /^attachment;/);
});

test('updateFile renames a file and sets its description; deleteFile removes it', async () => {
    const deal = await dealWithOrg();
    const added = await rep.v1.FilesApi.addFile({ file: new File([pdf], 'draft.pdf'), deal_id: deal.id });

    const updated = await rep.v1.FilesApi.updateFile({ id: added.data.id, name: 'Final proposal.pdf', description: 'Signed by the buyer' });
    const deleted = await rep.v1.FilesApi.deleteFile({ id: added.data.id });

    assert.equal(updated.data.name, 'Final proposal.pdf');
    assert.equal(updated.data.file_name, 'Final proposal.pdf');
    assert.equal(updated.data.description, 'Signed by the buyer');
    assert.equal(deleted.data.id, added.data.id);
    const body = await refused(rep.v1.FilesApi.getFile({ id: added.data.id }));
    assert.equal(body.success, false);
});

test('a file on a lead is added with lead_id, and travels back to a deal with the lead', async () => {
    const person = (await rep.v2.PersonsApi.addPerson({ AddPersonRequest: { name: unique('Files person') } })).data;
    const lead = (await rep.v1.LeadsApi.addLead({ AddLeadRequest: { title: unique('Lead with a file'), person_id: person.id } })).data;

    const added = await rep.v1.FilesApi.addFile({ file: new File(['call notes\n'], 'notes.txt'), lead_id: lead.id });
    assert.equal(added.data.lead_id, lead.id);
    assert.equal(added.data.lead_name, lead.title);
    const started = await rep.v2.LeadsApi.convertLeadToDeal({ id: lead.id });
    const status = await rep.v2.LeadsApi.getLeadConversionStatus({ id: lead.id, conversion_id: started.data.conversion_id });

    const ofDeal = await rep.v1.DealsApi.getDealFiles({ id: status.data.deal_id });
    assert.deepEqual(ofDeal.data.map((f) => f.id), [added.data.id]);
});

test('a file on another user\'s private deal is not found, to every call', async () => {
    const deal = await dealWithOrg(admin, 1);
    const added = await admin.v1.FilesApi.addFile({ file: new File([pdf], 'secret.pdf'), deal_id: deal.id });

    for (const call of [
        () => rep.v1.FilesApi.getFile({ id: added.data.id }),
        () => rep.v1.FilesApi.deleteFile({ id: added.data.id }),
        () => rep.v1.FilesApi.updateFile({ id: added.data.id, name: 'mine.pdf' }),
    ]) {
        const body = await refused(call());
        assert.match(body.error, /not found/);
    }
    const listed = await rep.v1.FilesApi.getFiles({ sort: 'id DESC', limit: 100 });
    assert.ok(!listed.data.some((f) => f.id === added.data.id));
});
