import assert from 'node:assert/strict';
import { test } from 'node:test';
import { as, baseUrl, tokens, unique } from '../lib/sdk.mjs';

const rep = as('rep');

// The SDK cannot add an email to a deal (Pipedrive's come from sync or Bcc); DealToLead's upload endpoint does.
async function attachEmail(dealId, subject) {
    const eml = [`From: Ann Buyer <ann@example.com>`, `To: rep@dealtolead.local`, `Subject: ${subject}`,
        `Date: Tue, 01 Dec 2026 10:00:00 +0000`, `Message-ID: <${Date.now()}.${Math.random()}@example.com>`, '', 'Can we meet next week?'].join('\r\n');
    const response = await fetch(`${baseUrl}/api/v1/deals/${dealId}/mailMessages`, { method: 'POST', headers: { 'x-api-token': tokens.rep, 'content-type': 'message/rfc822' }, body: eml });
    assert.equal(response.status, 201);
}

test('getDealMailMessages lists a deal\'s emails, newest first, paged with start and limit', async () => {
    const org = (await rep.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Mail org') } })).data;
    const deal = (await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Deal with mail'), org_id: org.id } })).data;
    await attachEmail(deal.id, 'First');
    await attachEmail(deal.id, 'Second');

    const page = await rep.v1.DealsApi.getDealMailMessages({ id: deal.id, limit: 1 });
    assert.equal(page.data.length, 1);
    assert.equal(page.data[0].object, 'mailMessage');
    assert.equal(page.data[0].data.from[0].email_address, 'ann@example.com');
    assert.equal(page.additional_data.more_items_in_collection, true);
    const all = await rep.v1.DealsApi.getDealMailMessages({ id: deal.id, include_body: 1 });
    assert.deepEqual(all.data.map((m) => m.data.subject).sort(), ['First', 'Second']);
    assert.match(all.data[0].data.body, /meet next week/);
});
