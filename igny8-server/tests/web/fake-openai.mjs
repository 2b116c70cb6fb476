// A stand-in for the OpenAI chat API, for the browser suite: it speaks the wire protocol of
// `POST /v1/chat/completions` and answers only when the test lets it, so the test can watch a
// job wait on the model and then finish, live, in the page.
//
//   node fake-openai.mjs      prints "listening on http://127.0.0.1:<port>"
//
// The test drives it over HTTP:
//   POST /control/reply    body: the JSON the next completion's message carries (queued)
//   GET  /control/waiting  how many completions wait for an answer
//   POST /control/release  answers every waiting completion with the queued replies
//
// `POST /v1/images/generations` (OpenAI's image protocol) answers at once with a small PNG;
// `GET /v1/models` (what "Test key" asks) answers with a model list, or with OpenAI's 401 for
// a key that contains `invalid`.
import { createServer } from 'node:http';

// A 3×2 picture in the app's colours, as OpenAI sends images: base64 in `b64_json`.
const PICTURE = 'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGOwtj8CQQxwFgBHZgd1GFnGyQAAAABJRU5ErkJggg==';

const replies = [];
const waiting = [];

function body(req) {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => resolve(text));
  });
}

function completion(content) {
  return JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1764000000,
    model: 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
  });
}

function answer(res) {
  const content = replies.shift();
  if (content === undefined) {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'the test queued no reply for this call', type: 'server_error' } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(completion(content));
}

const server = createServer(async (req, res) => {
  const text = await body(req);
  if (req.method === 'POST' && req.url === '/v1/chat/completions') {
    waiting.push(res);
    // A caller that went away (a server stopped) is no longer waiting: a reply queued for the
    // next caller must not be spent on it.
    res.on('close', () => {
      const i = waiting.indexOf(res);
      if (i >= 0) waiting.splice(i, 1);
    });
  } else if (req.method === 'POST' && req.url === '/v1/images/generations') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ created: 1764000000, data: [{ b64_json: PICTURE, revised_prompt: JSON.parse(text).prompt }] }));
  } else if (req.method === 'GET' && req.url === '/v1/models') {
    if ((req.headers.authorization || '').includes('invalid')) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
    }
  } else if (req.method === 'POST' && req.url === '/control/reply') {
    replies.push(text);
    res.end('queued');
  } else if (req.method === 'GET' && req.url === '/control/waiting') {
    res.end(String(waiting.length));
  } else if (req.method === 'POST' && req.url === '/control/release') {
    const n = waiting.length;
    waiting.splice(0).forEach(answer);
    res.end(String(n));
  } else {
    res.writeHead(404);
    res.end();
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
