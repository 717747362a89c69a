import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { SearchAttributes, workflowIdFor } from './names';
import type { sendMessage } from '../../workflows';

export async function connectTemporal(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

export interface StartSend {
  messageId: string;
  scene: string;
  taskQueue: string;
}

/**
 * Starts SendMessage for a message, or finds it started: a duplicate start is an answer, not an error.
 * Safe to call any number of times for the same message.
 */
export async function startSendWorkflow(client: Client, start: StartSend): Promise<string> {
  const workflowId = workflowIdFor(start.messageId);
  try {
    await client.workflow.start<typeof sendMessage>('sendMessage', {
      workflowId,
      taskQueue: start.taskQueue,
      args: [{ messageId: start.messageId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: SearchAttributes.messageId, value: start.messageId },
        { key: SearchAttributes.scene, value: start.scene },
        { key: SearchAttributes.status, value: 'PENDING' },
      ],
    });
    return workflowId;
  } catch (error) {
    // The workflow ran and closed already: the message exists, nothing to start.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return workflowId;
    throw error;
  }
}
