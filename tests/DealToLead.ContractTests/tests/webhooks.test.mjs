import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { as, refused, unique } from '../lib/sdk.mjs';

const admin = as('admin');
const rep = as('rep');

/** A real HTTP receiver on a loopback port: what a Zapier or n8n webhook URL would be. */
async function startReceiver() {
    const received = [];
    const server = http.createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => { body += chunk; });
        request.on('end', () => {
            received.push({ authorization: request.headers.authorization, payload: JSON.parse(body) });
            response.writeHead(200).end('ok');
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${server.address().port}/hook`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function waitFor(condition, what) {
    for (let i = 0; i < 150; i++) {
        const value = condition();
        if (value) return value;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`waited 15 s for ${what}`);
}

test('an admin adds, lists and deletes a webhook; a deal created through the SDK is delivered with Pipedrive\'s v2 payload', async () => {
    const receiver = await startReceiver();
    try {
        const webhook = (await admin.v1.WebhooksApi.addWebhook({ AddWebhookRequest: {
            name: unique('Deal hook'), subscription_url: receiver.url, event_action: 'create', event_object: 'deal',
            http_auth_user: 'zapier', http_auth_password: 's3cret' } })).data;
        assert.equal(webhook.subscription_url, receiver.url);
        assert.equal(webhook.version, '2.0');
        assert.ok((await admin.v1.WebhooksApi.getWebhooks()).data.some((w) => w.id === webhook.id));

        const org = (await rep.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Hook org') } })).data;
        const deal = (await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Hooked deal'), org_id: org.id } })).data;
        const delivery = await waitFor(() => receiver.received.find((r) => r.payload.meta.entity_id === String(deal.id)), 'the deal\'s create event');
        assert.equal(delivery.payload.meta.action, 'create');
        assert.equal(delivery.payload.meta.entity, 'deal');
        assert.equal(delivery.payload.meta.version, '2.0');
        assert.equal(delivery.payload.data.title, deal.title);
        assert.equal(delivery.authorization, `Basic ${Buffer.from('zapier:s3cret').toString('base64')}`);

        assert.equal((await admin.v1.WebhooksApi.deleteWebhook({ id: webhook.id })).success, true);
        assert.ok(!(await admin.v1.WebhooksApi.getWebhooks()).data.some((w) => w.id === webhook.id));
    } finally {
        await receiver.close();
    }
});

test('a conversion is delivered as Pipedrive delivers it: the deal\'s deletion and the lead\'s creation', async () => {
    const receiver = await startReceiver();
    try {
        const webhook = (await admin.v1.WebhooksApi.addWebhook({ AddWebhookRequest: {
            name: unique('Everything'), subscription_url: receiver.url, event_action: '*', event_object: '*' } })).data;
        const org = (await rep.v2.OrganizationsApi.addOrganization({ AddOrganizationRequest: { name: unique('Conv org') } })).data;
        const deal = (await rep.v2.DealsApi.addDeal({ AddDealRequest: { title: unique('Deal to park'), org_id: org.id } })).data;
        const started = await rep.v2.DealsApi.convertDealToLead({ id: deal.id });
        const leadId = (await rep.v2.DealsApi.getDealConversionStatus({ id: deal.id, conversion_id: started.data.conversion_id })).data.lead_id;

        const deleted = await waitFor(() => receiver.received.find((r) => r.payload.meta.entity === 'deal' && r.payload.meta.action === 'delete' && r.payload.meta.entity_id === String(deal.id)), 'delete.deal');
        const created = await waitFor(() => receiver.received.find((r) => r.payload.meta.entity === 'lead' && r.payload.meta.action === 'create' && r.payload.meta.entity_id === leadId), 'create.lead');
        assert.equal(created.payload.data.source_deal_id, deal.id);
        assert.equal(deleted.payload.meta.correlation_id, created.payload.meta.correlation_id);
        await admin.v1.WebhooksApi.deleteWebhook({ id: webhook.id });
    } finally {
        await receiver.close();
    }
});

test('a webhook Pipedrive\'s SDK would send with a non-http URL is refused, and regular users may not add one', async () => {
    const body = await refused(admin.v1.WebhooksApi.addWebhook({ AddWebhookRequest: {
        name: unique('Bad'), subscription_url: 'ftp://example.com/hook', event_action: 'create', event_object: 'deal' } }));
    assert.match(body.error, /subscription_url/);
    await refused(rep.v1.WebhooksApi.addWebhook({ AddWebhookRequest: {
        name: unique('Not mine'), subscription_url: 'https://example.com/hook', event_action: 'create', event_object: 'deal' } }));
});
