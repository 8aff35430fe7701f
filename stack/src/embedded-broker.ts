/**
 * An MQTT broker inside the dev stack (aedes), so `npm start` needs no broker installed. It
 * listens on an ephemeral port on the loopback interface; MQTT_URL points the stack at a real
 * broker instead. aedes is ESM-only: the dynamic import() below stays an import() in our
 * CommonJS output (module node16), which node runs; jest would need --experimental-vm-modules
 * for it, so tests use the local Mosquitto instead.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(host = '127.0.0.1'): Promise<EmbeddedBroker> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Clients that did not disconnect would hold server.close() open forever.
        for (const socket of sockets) socket.destroy();
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
