'use strict';

/**
 * `${file(./scripts/deploy/dashboard.cjs):body}` in serverless.yml: the dashboard's body, built by
 * scripts/deploy/dashboard-widgets.ts from the resolved service name, stage and metric namespace.
 */
const path = require('node:path');
const { loadTypeScript } = require('../load-typescript.cjs');

const { dashboardBodyTemplate } = loadTypeScript(path.join(__dirname, 'dashboard-widgets.ts'));

module.exports.body = async ({ resolveVariable }) =>
  dashboardBodyTemplate({
    service: await resolveVariable('self:service'),
    stage: await resolveVariable('sls:stage'),
    namespace: await resolveVariable('self:provider.environment.POWERTOOLS_METRICS_NAMESPACE'),
    serviceName: await resolveVariable('self:provider.environment.POWERTOOLS_SERVICE_NAME'),
  });
