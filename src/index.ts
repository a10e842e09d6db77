/** Public API for scenario files: `import { defineScenario } from 'mm2-drill'`. */
export { defineScenario, type ScenarioInput, type Scenario } from './core/scenario/scenario.ts';
