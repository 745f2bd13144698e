/**
 * The baseline: a bare Socket.IO relay with the same namespaces and event names as ours, and the
 * same Server options, but no store, no validation, no auth and no per-socket handler table. A
 * visitor's message is acknowledged and emitted to the agents in the conversation's room. Its
 * figures say what Socket.IO itself costs on this machine, measured in the same run as ours.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { readingHandlers } from './readings.js';
import { serveRpc } from './rpc.js';

type Ack = (r: unknown) => void;

const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, { cors: { origin: true, credentials: false }, maxHttpBufferSize: 1e6, serveClient: false });
const agents = io.of('/agent');
const visitors = io.of('/visitor');
let seq = 0;

visitors.on('connection', (socket) => {
  socket.on('conversation:start', (_p: unknown, ack: Ack) => {
    const id = randomBytes(12).toString('hex');
    void socket.join(`conversation:${id}`);
    ack({ ok: true, data: { conversation: { id, status: 'queued' }, messages: [] } });
  });
  socket.on('message:send', (p: { conversationId: string; clientId: string; body: string }, ack: Ack) => {
    const message = { id: String(++seq), conversationId: p.conversationId, clientId: p.clientId, seq, body: p.body, createdAt: new Date().toISOString() };
    agents.to(`conversation:${p.conversationId}`).emit('message:created', message);
    ack({ ok: true, data: message });
  });
});
agents.on('connection', (socket) => {
  socket.on('conversation:accept', (p: { conversationId: string }, ack: Ack) => {
    void socket.join(`conversation:${p.conversationId}`);
    ack({ ok: true, data: { id: p.conversationId, status: 'active' } });
  });
});

const port = Number(process.env.PORT ?? 0);
await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
serveRpc({
  ...readingHandlers(),
  connections: () => new Promise<number>((resolve, reject) => http.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
});
process.on('SIGTERM', () => {
  void io.close();
  http.closeAllConnections();
  process.exit(0);
});
process.on('disconnect', () => process.exit(0));
const { port: actual } = http.address() as AddressInfo;
process.send?.({ event: 'ready', url: `http://127.0.0.1:${actual}`, port: actual, pid: process.pid });
