import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Names shared by the starters (API, bridge), the worker and the workflow. Workflow-safe: no Node
 * built-ins here.
 */
export const DEFAULT_TASK_QUEUE = 'send-message';

/** The workflow ID is the business key: one workflow per message, ever. */
export function workflowIdFor(messageId: string): string {
  return `message-${messageId}`;
}

/** Custom search attributes: ids and codes only, never an address or content. */
export const SearchAttributes = {
  messageId: defineSearchAttributeKey('SenderMessageId', SearchAttributeType.KEYWORD),
  scene: defineSearchAttributeKey('SenderScene', SearchAttributeType.KEYWORD),
  channel: defineSearchAttributeKey('SenderChannel', SearchAttributeType.KEYWORD),
  gateway: defineSearchAttributeKey('SenderGateway', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('SenderStatus', SearchAttributeType.KEYWORD),
} as const;

/** For registering them on a server: name → type as the CLI spells it. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword'> = Object.fromEntries(
  Object.values(SearchAttributes).map((key) => [key.name, 'Keyword']),
);
