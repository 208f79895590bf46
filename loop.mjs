const url = 'http://127.0.0.1:18931';
const n = Number(process.argv[2] || 1000); const t = [];
for (let i = 0; i < n; i++) { const t0 = performance.now(); const a = await fetch(url, { headers: { accept: 'application/json', 'accept-encoding': 'gzip' } }); await a.arrayBuffer(); t.push(performance.now() - t0); }
t.sort((a,b)=>a-b); console.log('p50', t[n>>1].toFixed(2), 'p99', t[Math.floor(n*0.99)].toFixed(2), 'bytes');
