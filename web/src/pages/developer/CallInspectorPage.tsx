import { CallInspector } from './RequestLog';

export default CallInspector;
