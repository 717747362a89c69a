export { sendMessage, statusQuery, cancelUpdate } from './send-message';
export type { SendMessageInput, SendMessageState } from './send-message';
