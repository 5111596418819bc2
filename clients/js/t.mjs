import Pusher from 'pusher-js';
import Echo from 'laravel-echo';
import PusherServer from 'pusher';
console.log(typeof Pusher, Object.keys(Pusher).slice(0,5), typeof Echo, typeof PusherServer);
const p = new Pusher('k', {wsHost:'127.0.0.1', wsPort: 1, forceTLS:false, enabledTransports:['ws'], cluster:'mt1', autoConnect:false});
console.log(p.connection.state);
