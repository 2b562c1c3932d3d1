import { mount } from 'svelte';
import '../lib/theme.css';
import './dashboard.css';
import Dashboard from './Dashboard.svelte';
import { addStrings } from '../lib/i18n';
import { dashboardStrings } from './strings';
import { HttpApi, type DashboardApi } from './api';

// `?mock` uses the in-memory demo data (UI work, screenshots); `?mock&login` starts signed out;
// `?mock&admin` signs in the province's administrator (who publishes results and decides on 标杆样板); `?mock&operator`
// a centre operator (运营主体), whose page is built for a phone; `?mock&county` 长安区's supervisor
// (who fills the county's quarterly report; the default supervisor is 石家庄市's, who reviews it).
const q = new URLSearchParams(location.search);
const mock = q.has('mock');
addStrings(dashboardStrings);

async function start() {
  let api: DashboardApi;
  if (mock) {
    const { ADMINISTRATOR, MockApi } = await import('./api-mock');
    const { OPERATOR } = await import('./api-mock-operators');
    const { COUNTY_SUPERVISOR } = await import('./api-mock-reports');
    const user = q.has('admin') ? ADMINISTRATOR : q.has('operator') ? OPERATOR : q.has('county') ? COUNTY_SUPERVISOR : undefined;
    api = new MockApi({ signedIn: !q.has('login'), user });
  } else {
    api = new HttpApi();
  }
  mount(Dashboard, { target: document.getElementById('app')!, props: { api, demo: mock } });
}
start();
