import { createServer, type AddressInfo } from 'node:net';

/** An SMTP sink on 127.0.0.1 that accepts any mail and records the AUTH credentials Keycloak sends. */
export interface SmtpSink {
  port: number;
  logins: { user: string; password: string }[];
  /** Every mail accepted: its RCPT TO addresses and its DATA lines. */
  messages: { to: string[]; data: string }[];
  close(): Promise<void>;
}

/** Starts an SMTP sink (AUTH PLAIN and LOGIN, no TLS): the only way to see which SMTP password Keycloak stores. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const logins: SmtpSink['logins'] = [];
  const messages: SmtpSink['messages'] = [];
  const server = createServer((socket) => {
    let buffer = '';
    let mail: { to: string[]; lines: string[] } = { to: [], lines: [] };
    let state: 'command' | 'data' | 'login-user' | 'login-password' = 'command';
    let loginUser = '';
    const say = (line: string) => socket.write(`${line}\r\n`);
    const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
    // One SMTP command; returns the state for the next line.
    const command = (line: string): typeof state => {
      const [verb = '', mechanism = '', initial = ''] = line.split(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO':
          say('250-sink');
          say('250 AUTH PLAIN LOGIN');
          return 'command';
        case 'AUTH': {
          if (mechanism.toUpperCase() !== 'PLAIN') {
            say('334 VXNlcm5hbWU6');
            return 'login-user';
          }
          const [, user = '', password = ''] = decode(initial).split('\0');
          logins.push({ user, password });
          say('235 ok');
          return 'command';
        }
        case 'RCPT':
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          say('250 ok');
          return 'command';
        case 'DATA':
          say('354 go ahead');
          return 'data';
        case 'QUIT':
          say('221 bye');
          socket.end();
          return 'command';
        default:
          say('250 ok');
          return 'command';
      }
    };
    say('220 sink ESMTP');
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (state === 'data') {
          if (line === '.') {
            messages.push({ to: mail.to, data: mail.lines.join('\n') });
            mail = { to: [], lines: [] };
            state = 'command';
            say('250 queued');
          } else {
            mail.lines.push(line);
          }
        } else if (state === 'login-user') {
          loginUser = decode(line);
          state = 'login-password';
          say('334 UGFzc3dvcmQ6');
        } else if (state === 'login-password') {
          logins.push({ user: loginUser, password: decode(line) });
          state = 'command';
          say('235 ok');
        } else {
          state = command(line);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    logins,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
